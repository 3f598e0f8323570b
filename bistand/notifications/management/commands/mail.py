"""``bistand mail``: the messages the local SMTP stand-in received (``bistand mailserver``),
newest last; ``--show N`` prints message N in full, ``--last`` the newest."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bistand.notifications import mailstore


class Command(BaseCommand):
    help = "Visa mejlen som den lokala SMTP-servern tagit emot (var/mail/)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.VAR_DIR / "mail"))
        parser.add_argument("--show", type=int, help="visa mejl nummer N i sin helhet")
        parser.add_argument("--last", action="store_true", help="visa det senaste mejlet")

    def handle(self, *args, **options):
        found = mailstore.messages(options["dir"])
        if not found:
            self.stdout.write(f"Inga mejl i {options['dir']}.")
            return
        number = len(found) if options["last"] else options["show"]
        if number:
            if not 1 <= number <= len(found):
                raise CommandError(f"Det finns {len(found)} mejl; välj 1–{len(found)}.")
            mail = found[number - 1]
            self.stdout.write(
                f"Till: {mail.to}\nÄmne: {mail.subject}\nDatum: {mail.date}\n"
                f"Fil: {mail.path}\n\n{mail.body}"
            )
            return
        for i, mail in enumerate(found, 1):
            self.stdout.write(f"{i:4d}  {mail.date}  {mail.to}  {mail.subject}")
