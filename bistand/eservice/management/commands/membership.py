"""``bistand membership check``: memberships made without the person's own signature, the
applications filed through them, and persons in two households (bistand/eservice/consent.py)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from bistand.eservice import consent


class Command(BaseCommand):
    help = (
        "Lista hushållsmedlemskap som uppstod utan personens egen underskrift, ansökningar som "
        "lämnats in genom dem och personer som finns i två hushåll, för handläggare att granska. "
        "Varje fynd loggas en gång i granskningsloggen. Inget ändras."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--json", action="store_true", help="skriv ut fynden som JSON")

    def handle(self, *args, **options):
        findings = consent.check()
        rows = {
            "unconsented": [
                {
                    "case": item.member.household.case.reference,
                    "member": item.member.pk,
                    "person": item.member.person_id,
                    "personnummer": item.member.person.masked,
                    "role": item.member.role,
                    "from": item.member.valid_from.isoformat(),
                    "applications": [
                        {"id": a.pk, "month": a.month, "state": a.state} for a in item.applications
                    ],
                }
                for item in findings.unconsented
            ],
            "conflicts": [
                {
                    "person": person.pk,
                    "personnummer": person.masked,
                    "cases": [case.reference for case in cases],
                }
                for person, cases in findings.conflicts
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not findings.count:
            self.stdout.write("Inga medlemskap utan egen underskrift och ingen i två hushåll.")
            return
        for row in rows["unconsented"]:
            self.stdout.write(
                f"Ärende {row['case']}: person {row['person']} ({row['personnummer']}) blev "
                f"{row['role']} från {row['from']} utan egen underskrift (medlemskap "
                f"{row['member']})."
            )
            for app in row["applications"]:
                self.stdout.write(
                    f"  ansökan {app['id']} för {app['month']} ({app['state']}) lämnad genom "
                    "medlemskapet: granska vem som har kunnat läsa den"
                )
        for row in rows["conflicts"]:
            self.stdout.write(
                f"Person {row['person']} ({row['personnummer']}) finns i två hushåll: "
                f"{', '.join(row['cases'])}. Avsluta det medlemskap som inte gäller."
            )
        self.stdout.write(
            f"{findings.count} fynd att granska; varje fynd finns i granskningsloggen "
            "(membership.*)."
        )
