"""The one font loader for every PDF (posters, wallet cards, reports, guides) and PNG poster:
DejaVu Sans, which has every Vietnamese diacritic, embedded in the file; nothing is downloaded.
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"  # reportlab names = file names without .ttf


def font_dir() -> Path:
    """DejaVu Sans: vendored by `make install`, else straight from node_modules."""
    for candidate in (
        Path(settings.BASE_DIR) / "ravao" / "core" / "static" / "vendor" / "fonts",
        Path(settings.BASE_DIR) / "node_modules" / "dejavu-fonts-ttf" / "ttf",
    ):
        if (candidate / f"{REGULAR}.ttf").exists() and (candidate / f"{BOLD}.ttf").exists():
            return candidate
    raise ImproperlyConfigured("DejaVu Sans fonts not found: run `make install`.")


@lru_cache(maxsize=1)
def register_fonts() -> Path:
    """Register REGULAR and BOLD with reportlab once per process; the fonts' directory (Pillow
    reads the same files for PNG posters)."""
    from reportlab.pdfbase import pdfmetrics  # only the processes that draw pay the import
    from reportlab.pdfbase.ttfonts import TTFont

    directory = font_dir()
    for name in (REGULAR, BOLD):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(directory / f"{name}.ttf")))
    return directory
