import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.models import Role
from ravao.accounts.services import user_create
from ravao.catalog.models import Sector
from ravao.core.errors import ServiceError
from ravao.units.models import Unit


class Command(BaseCommand):
    help = "Create an account with a role and a jurisdiction: ravao adduser NAME --role commune_official --unit 19753"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", help="Unit code of the jurisdiction (empty: national).")
        parser.add_argument("--generation", default=settings.RAVAO_UNIT_GENERATION)
        parser.add_argument("--sector", help="Sector code, for sector officials.")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, unit, generation, sector, password_stdin, email, **options):
        unit_obj = sector_obj = None
        if unit:
            unit_obj = Unit.objects.filter(generation=generation, code=unit).first()
            if unit_obj is None:
                raise CommandError(f"No unit {unit} in generation {generation}.")
        if sector:
            sector_obj = Sector.objects.filter(code=sector).first()
            if sector_obj is None:
                raise CommandError(
                    f"No sector {sector}; choose one of {', '.join(Sector.objects.values_list('code', flat=True))}."
                )
        password = sys.stdin.readline().rstrip("\n") if password_stdin else None
        try:
            user = user_create(
                username=username, password=password, role=role, unit=unit_obj, sector=sector_obj, email=email
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        scope = unit_obj.name if unit_obj else "national"
        self.stdout.write(f"created {user.username} ({role}, {scope}){'' if password else ', no password yet'}")
