"""Urgent need, decided the same working day: the applicant's urgent request with its reason, its
own queue and hours clock, the robot's proposal for the days needed, the caseworker's decision
and an urgent payment order."""
