"""`ravao rotatekeys`: re-encryption under the newest field key (ravao/core/keyrotation.py),
each run that writes recorded in the audit log — which is why the command lives here."""

from django.core.management.base import BaseCommand, CommandError

from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.core.keyrotation import RotationReport, UnreadableToken, rotate_all


def record_rotation(report: RotationReport, stopped: str) -> None:
    """One entry per run: every personal value was read (decrypted) and some were rewritten."""
    detail = {
        "rows_read": report.rows_read,
        "values_reencrypted": report.tokens_rotated,
        "per_table": {t: n for t, n in report.per_table.items() if n},
    }
    if stopped:
        detail["stopped"] = stopped
    audit_record(user=None, action=Action.CHANGE, object_type="field_keys", purpose="rotatekeys", detail=detail)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted personal field under the newest key of RAVAO_FIELD_KEYS "
        "(prepend the new key first; drop the old one after this has run). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2_000, help="rows per transaction")
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted, write nothing")

    def handle(self, *args, batch, dry_run, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        verbose = options.get("verbosity", 1) >= 2
        try:
            report = rotate_all(
                record=record_rotation, batch=batch, dry_run=dry_run, progress=self.stdout.write if verbose else None
            )
        except UnreadableToken as e:
            raise CommandError(str(e)) from None
        self.stdout.write(("dry run: " if dry_run else "") + report.line())
