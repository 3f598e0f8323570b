"""The aktivitetskrav (prop. 2025/26:207, from 1 July 2026): consecutive months of försörjningsstöd
per person, exemptions, the individual plan, attendance and absence, läkarintyg, and the figures
for IVO and the nämnd."""
