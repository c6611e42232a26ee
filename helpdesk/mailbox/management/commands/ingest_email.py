"""`manage.py ingest_email < message.eml`: for a mail server's pipe (Postfix, Exim) or a fetchmail run.

Exit status follows sysexits.h, which mail servers understand: 0 when the email was handled
(a ticket opened or answered, or deliberately ignored), 65 (EX_DATAERR) when the message cannot be
read or is too large, so the server bounces it, and 75 (EX_TEMPFAIL) when the database is
unavailable, so the server queues it and tries again.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from helpdesk.mailbox.ingest import EmailTooLarge, email_ingest
from helpdesk.mailbox.parse import UnreadableEmail

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one raw RFC 822 email on stdin and open a ticket, add a reply, or ignore it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recipient", default="", help="the envelope recipient, when the mail server passes it (e.g. ${recipient})"
        )

    def handle(self, *args, recipient: str = "", **options):
        raw = sys.stdin.buffer.read()
        try:
            result = email_ingest(raw, envelope_recipient=recipient)
        except EmailTooLarge as error:
            raise CommandError(f"The email is too large ({error.args[0]} bytes).", returncode=EX_DATAERR) from None
        except UnreadableEmail as error:
            raise CommandError(f"The email cannot be read: {error}", returncode=EX_DATAERR) from None
        except DatabaseError as error:
            raise CommandError(
                f"The database is unavailable, try again later: {error}", returncode=EX_TEMPFAIL
            ) from None
        ticket = f" ticket #{result.ticket.pk}" if result.ticket else ""
        note = " (already received)" if result.duplicate else ""
        self.stdout.write(f"{result.outcome}{' ' + result.reason if result.reason else ''}{ticket}{note}")
