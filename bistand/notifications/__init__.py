"""Telling applicants there is something new, by e-mail (SMTP) or SMS (gateway interface), without
any personal detail in the message; sent as background tasks with retries."""
