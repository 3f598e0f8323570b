"""The planning meeting within 24 hours of a nyansökan (Trelleborg's 'Beslut i morgon'): staff
publish slots, applicants book them on Mina sidor, the meeting's outcome and plan are recorded."""
