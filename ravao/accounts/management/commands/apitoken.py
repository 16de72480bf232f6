from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.models import ApiToken, User
from ravao.accounts.services import token_issue, token_revoke


class Command(BaseCommand):
    help = "Issue an API bearer token for USERNAME (printed alone on the last line), or revoke one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="What the token is for.")
        parser.add_argument("--revoke", type=int, metavar="ID", help="Revoke the token with this id.")
        parser.add_argument("--list", action="store_true", help="List the user's tokens.")

    def handle(self, *args, username, name, revoke, list, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if list:
            for t in ApiToken.objects.filter(user=user).order_by("id"):
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                self.stdout.write(f"{t.id}\t{t.prefix}…\t{t.name}\t{state}")
            return
        if revoke is not None:
            if not token_revoke(user=user, token_id=revoke):
                raise CommandError(f"No active token {revoke} for {username}.")
            self.stdout.write(f"Revoked token {revoke} of {username}.")
            return
        self.stdout.write(f"Token for {username} ({user.get_role_display()}):")
        self.stdout.write(token_issue(user=user, name=name))
