from django.core.management.base import BaseCommand, CommandError

from ravao.codes.keys import generate_key_line, keyring, public_keys


class Command(BaseCommand):
    requires_system_checks = []  # works before keys are configured (ravao/core/failclosed.py)
    help = "List the trusted QR signing key ids, or generate a new Ed25519 key pair (--generate)."

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="Print a new key pair.")
        parser.add_argument("--kid", default=None, help="Key id for the new key (default: random).")

    def handle(self, *args, generate, kid, **options):
        if generate:
            try:
                private, public = generate_key_line(kid)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write("# Prepend to RAVAO_SIGNING_KEYS (keep it secret; the first entry signs):")
            self.stdout.write(private)
            self.stdout.write("# Public half (RAVAO_VERIFY_KEYS once the private key is retired):")
            self.stdout.write(public)
            return
        ring = keyring()
        for key_id, public in public_keys().items():
            role = "signs+verifies" if key_id == ring.signing_kid else "verifies"
            self.stdout.write(f"{key_id}\t{role}\t{public}")
