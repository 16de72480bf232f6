from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    requires_system_checks = []  # works before keys are configured (ravao/core/failclosed.py)
    help = "Compile every .po catalogue of Ravao into .mo (pure Python: no gettext tools needed)."

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR) / "ravao"
        count = 0
        for po_path in sorted(root.rglob("locale/*/LC_MESSAGES/*.po")):
            po = polib.pofile(str(po_path))
            po.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"compiled {count} catalogues")
