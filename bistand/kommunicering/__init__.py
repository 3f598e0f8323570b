"""Kommunicering before a decision that goes against the applicant (förvaltningslagen 25 §): the
material sent, the deadline, the answer, and what the case waits for meanwhile."""
