"""The aktivitetskrav's check in the robot (contributed to bistand/robot/checks.py from
``AktivitetskravConfig.ready``): four flags with evidence, in plain Swedish. The data comes from
``services.robot_facts``, read once per batch; the check itself reads no database.

The flags send the proposal to a caseworker. Nothing here reduces or refuses anything: a
reduction or refusal for refusing activities is always a caseworker's decision
(``services.refuse_for_refusal``).
"""

from __future__ import annotations

from typing import Any

from bistand.robot.checks import CheckInput, Contribution, flag

NAME = "aktivitetskrav"

CODES = {
    "AKTIVITETSKRAV_NO_PLAN": "aktivitetskravet gäller och det finns ingen individuell plan",
    "AKTIVITETSKRAV_ABSENCE": "frånvaro från aktivitet utan godtaget skäl",
    "AF_TOO_LITTLE_OCCUPATION": "Arbetsförmedlingen har meddelat för låg sysselsättning",
    "LAKARINTYG_MISSING": "läkarintyg saknas när sjukdom är försörjningshindret",
    "LAKARINTYG_EXPIRED": "läkarintyget har gått ut när sjukdom är försörjningshindret",
    "AKTIVITETSKRAV_UNKNOWN": "aktivitetskravet kunde inte kontrolleras",
}


#: Short names for the queues' flag filter and the case view (added to
#: bistand.workspace.queues.FLAG_LABELS from AktivitetskravConfig.ready).
LABELS = {
    "AKTIVITETSKRAV_NO_PLAN": "Aktivitetskrav utan plan",
    "AKTIVITETSKRAV_ABSENCE": "Frånvaro utan godtaget skäl",
    "AF_TOO_LITTLE_OCCUPATION": "För låg sysselsättning enligt AF",
    "LAKARINTYG_MISSING": "Läkarintyg saknas",
    "LAKARINTYG_EXPIRED": "Läkarintyget har gått ut",
    "AKTIVITETSKRAV_UNKNOWN": "Aktivitetskravet kunde inte kontrolleras",
}


def load(applications: list) -> dict[int, Any]:
    from .services import robot_facts

    return robot_facts(applications)


def check_aktivitetskrav(data: CheckInput) -> list[dict]:
    if NAME not in data.extra:
        return []  # not run through the pipeline's loader (a check tested alone)
    facts = data.extra[NAME]
    if facts is None:
        return [
            flag(
                "AKTIVITETSKRAV_UNKNOWN",
                "Aktivitetskravet och läkarintyg kunde inte kontrolleras (uppgifterna kunde inte "
                "läsas). Kontrollera planen, närvaron och läkarintyget i ärendet.",
            )
        ]
    values = facts["params"]
    flags = []
    for member in data.adults:
        person = facts["persons"].get(member.key)
        if person is None:
            continue
        who = member.label.capitalize()
        legal = " ".join(str(values.get("aktivitetskrav_legal_source") or "").split())
        if person.covered and not person.has_plan:
            flags.append(
                flag(
                    "AKTIVITETSKRAV_NO_PLAN",
                    f"Aktivitetskravet gäller för {member.label}: försörjningsstöd "
                    f"{len(person.months_in_row)} månader i följd "
                    f"({', '.join(person.months_in_row)}), och det finns ingen individuell plan "
                    "med aktiviteter för månaden. Gör en plan med personen.",
                    person=member.label,
                    months_in_row=person.months_in_row,
                    threshold=person.threshold,
                    legal_source=legal,
                    parameter=f"national.aktivitetskrav från {values['valid_from']} "
                    f"({values['status']})",
                )
            )
        if person.covered and person.unaccepted_absences:
            days = ", ".join(a["day"] for a in person.unaccepted_absences)
            flags.append(
                flag(
                    "AKTIVITETSKRAV_ABSENCE",
                    f"{who} har frånvaro från aktiviteter utan godtaget skäl ({days}). Pröva "
                    "skälen; en nedsättning eller ett avslag beslutar alltid en handläggare.",
                    person=member.label,
                    absences=person.unaccepted_absences,
                    legal_source=legal,
                )
            )
        for notice in person.too_little_occupation:
            flags.append(
                flag(
                    "AF_TOO_LITTLE_OCCUPATION",
                    f"Arbetsförmedlingen har meddelat att {member.label} har för låg "
                    f"sysselsättning ({notice['period_start']}"
                    f"{' – ' + notice['period_end'] if notice['period_end'] else ''}).",
                    person=member.label,
                    received=notice["received_at"],
                    period_start=notice["period_start"],
                    period_end=notice["period_end"],
                )
            )
        certificate_source = " ".join(
            str(values.get("medical_certificate_legal_source") or "").split()
        )
        if person.certificate == "missing":
            attached = person.certificate_attached
            flags.append(
                flag(
                    "LAKARINTYG_MISSING",
                    f"{who} har angett sjukdom som skäl till att inte kunna arbeta, och inget "
                    "läkarintyg är registrerat. "
                    + (
                        "Ansökan har en bilaga av typen läkarintyg: registrera intygets "
                        "giltighetstid och bedöm det."
                        if attached
                        else "Be om ett läkarintyg."
                    ),
                    person=member.label,
                    attachment=attached,
                    legal_source=certificate_source,
                )
            )
        elif person.certificate == "expired":
            flags.append(
                flag(
                    "LAKARINTYG_EXPIRED",
                    f"{who} har angett sjukdom som skäl till att inte kunna arbeta, och "
                    f"läkarintyget gällde till {person.certificate_until}. Be om ett nytt.",
                    person=member.label,
                    valid_until=person.certificate_until,
                    legal_source=certificate_source,
                )
            )
    return flags


#: A läkarintyg flag tells that the person named illness: health data, never in a log line.
PRIVATE = frozenset({"LAKARINTYG_MISSING", "LAKARINTYG_EXPIRED"})

CONTRIBUTION = Contribution(
    name=NAME, check=check_aktivitetskrav, load=load, codes=CODES, private_codes=PRIVATE
)
