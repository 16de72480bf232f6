from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.oversight import selectors
from ravao.oversight.dispatch import system_user
from ravao.oversight.reports import report_build


class Command(BaseCommand):
    help = (
        "Write the progress report of a unit and period: ravao report --unit 46 --from D --to D --format pdf --out FILE"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="", help="Unit code (empty: the whole country).")
        parser.add_argument("--generation", default="")
        parser.add_argument("--sector", default="")
        parser.add_argument("--from", dest="first", type=date.fromisoformat)
        parser.add_argument("--to", dest="last", type=date.fromisoformat)
        parser.add_argument("--format", default="xlsx", choices=["xlsx", "pdf", "docx"])
        parser.add_argument("--lang", default="vi", choices=["vi", "en"])
        parser.add_argument(
            "--as",
            "--user",
            dest="user",
            default="",
            help="Build it as this user (their jurisdiction); default: national.",
        )
        parser.add_argument("--out", required=True)

    def handle(self, *args, unit, generation, sector, first, last, format, lang, user, out, **options):
        actor = User.objects.filter(username=user).first() if user else system_user()
        if actor is None:
            raise CommandError(f"No user {user}.")
        try:
            scope = selectors.resolve(
                user=actor, unit_code=unit, sector_code=sector, first=first, last=last, generation=generation
            )
            content, _ctype, _name = report_build(user=actor, scope=scope, fmt=format, language=lang)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        Path(out).write_bytes(content)
        self.stdout.write(f"wrote {out} ({len(content)} bytes)")
