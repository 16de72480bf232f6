"""`ravao demo`: the demo accounts, then each app's demo step, in order.

An app adds demo data in a module ``ravao/<app>/demo.py`` defining
``demo(*, province, users, stdout) -> str | None`` (users: username -> User); the steps run in
the order of ``DEMO_APPS`` and each returns a line to print. It lives in the simulate app, the
top of the app graph, because it drives every other app.
"""

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ravao.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from ravao.accounts.models import User
from ravao.accounts.secondfactor import DEMO_SECRET
from ravao.units.demo import demo_units
from ravao.units.models import Unit

DEMO_APPS = [
    "units",
    "venues",
    "simulate",
    "people",
    "checkins",
    "health",
    "tracing",
    "organisations",
    "oversight",
    "mobilisation",
]


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and the demo dataset; prints the log-ins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the demo is served (printed links)")

    def handle(self, *args, **options):
        translation.activate("en")
        if not Unit.objects.exists():
            raise CommandError("Load the administrative units first: ravao loadunits --generation all")
        rows = create_demo_accounts()
        province, _, _ = demo_units()
        users = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}
        for app in DEMO_APPS:
            if importlib.util.find_spec(f"ravao.{app}.demo") is None:
                continue
            line = importlib.import_module(f"ravao.{app}.demo").demo(province=province, users=users, stdout=self.stdout)
            if line:
                self.stdout.write(line)
        self.stdout.write("")
        url = options["url"].rstrip("/")
        self.stdout.write(f"Demo log-ins at {url}/accounts/login/ (password: {DEMO_PASSWORD})")
        for username, role, scope in rows:
            self.stdout.write(f"  {username:<10} {role:<26} {scope}")
        self.stdout.write(
            f"Accounts that read personal data (admin, tinh, truyvet, kiemtoan) confirm each log-in with a"
            f" second factor: the public demo authenticator key {DEMO_SECRET} (add it to any TOTP app);"
            " with RAVAO_DEMO=1 the confirmation page also shows its current code."
        )
        if settings.RAVAO_SMS_BACKEND == "ravao.core.sms.ConsoleSMSBackend":
            self.stdout.write(
                "SMS are not sent in the demo: every text (venue sign-up codes, notifications) is printed"
                ' in this terminal, in the server\'s log, as "SMS to <masked phone>: <text>".'
            )
