"""Benchmark: bulk poster generation for a 1,000-venue commune.

    .venv/bin/python bench/posters.py [--venues 1000] [--repeat 3] [--size A4]

Renders, with the production renderer (ravao.venues.posters), one PDF with one page per venue
for N venues of one commune — long Vietnamese names, addresses, a signed QR URL each — and
reports posters per second (best of --repeat), the file size and the time per page. Also PNG
and SVG single posters on 100 venues. Baseline in the same run: the bare QR alone (sign the URL
and build the QR matrix with segno, no page), i.e. the part no poster can avoid.

The venues are built in memory (no database): fetching 1,000 venues with their type and unit
is one query of a few milliseconds and is not what limits a bulk print.
Figures go to docs/performance.md.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")

import django  # noqa: E402

django.setup()

import segno  # noqa: E402

from ravao.catalog.models import Sector, VenueType  # noqa: E402
from ravao.codes.signing import venue_qr_url  # noqa: E402
from ravao.units.models import Unit  # noqa: E402
from ravao.venues import posters  # noqa: E402
from ravao.venues.models import Venue, new_public_code  # noqa: E402

NAMES = ["Quán cơm", "Tiệm tạp hoá", "Nhà thuốc", "Cửa hàng điện thoại", "Quán cà phê", "Tiệm may", "Nhà hàng hải sản"]
PEOPLE = ["Bà Năm", "Ông Tư", "Cô Hạnh", "Anh Dũng", "Chị Lựu", "Bác Thịnh", "Út Nhỏ"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hùng Vương", "Điện Biên Phủ", "Phan Đình Phùng"]


def fake_venues(n: int) -> list[Venue]:
    sector = Sector(code="trade", name_vi="Công Thương", name_en="Industry and trade")
    vtype = VenueType(
        code="restaurant",
        name_vi="Nhà hàng, quán ăn",
        name_en="Restaurant, eatery",
        sector=sector,
        kind="place",
        default_stay_minutes=60,
    )
    province = Unit(
        pk=1, code="46", name="Thành phố Huế", level="province", depth=1, path="2025/46/", generation="2025"
    )
    commune = Unit(
        pk=2,
        code="19753",
        name="Phường Thuận Hóa",
        level="commune",
        depth=2,
        path="2025/46/19753/",
        generation="2025",
        parent=province,
    )
    out = []
    for i in range(n):
        v = Venue(
            pk=i + 1,
            code=new_public_code(),
            name=f"{NAMES[i % 7]} {PEOPLE[i % 7]} số {i + 1}",
            venue_type=vtype,
            sector=sector,
            unit=commune,
            street=f"{i + 1} {STREETS[i % 6]}",
            default_stay_minutes=60,
            code_version=1,
        )
        out.append(v)
    return out


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venues", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", default="A4", choices=sorted(posters.SIZES))
    args = parser.parse_args()
    venues = fake_venues(args.venues)
    posters.register_fonts()

    def bare_qr():
        for v in venues:
            posters.qr_matrix(venue_qr_url(venue=v))

    def bare_qr_segno():
        for v in venues:
            segno.make(venue_qr_url(venue=v), error="m", micro=False).matrix  # noqa: B018

    def sign_only():
        for v in venues:
            venue_qr_url(venue=v)

    result = {}

    def bulk():
        result["pdf"] = posters.render_pdf(((v, None) for v in venues), size=args.size)

    sample = venues[:100]
    t_sign = timed(sign_only, args.repeat)
    t_qr = timed(bare_qr, args.repeat)
    t_pdf = timed(bulk, args.repeat)
    t_qr_segno = timed(bare_qr_segno, 1)
    posters.QR_ENGINE = "segno"
    t_pdf_segno = timed(bulk, 1)
    posters.QR_ENGINE = "zxing"
    t_png = timed(lambda: [posters.render_png(v) for v in sample], 1)
    t_svg = timed(lambda: [posters.render_svg(v) for v in sample], 1)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    n = len(venues)
    print(f"machine: {platform.node()} · {cpu} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"venues: {n} in one commune, best of {args.repeat}")
    print(f"signing the URL alone (Ed25519):          {n / t_sign:8.0f} /s")
    print(f"baseline  bare QR (sign + zxing-cpp matrix): {n / t_qr:8.0f} /s  ({t_qr * 1000 / n:.2f} ms each)")
    print(
        f"baseline  bare QR (sign + segno matrix):     {n / t_qr_segno:8.0f} /s  ({t_qr_segno * 1000 / n:.2f} ms each)"
    )
    print(
        f"bulk PDF {args.size} (one page per venue, zxing-cpp QR): {n / t_pdf:8.0f} posters/s  "
        f"({t_pdf:.2f} s for {n}; {len(result['pdf']) / n / 1024:.1f} KiB per page, {len(result['pdf']) / 1e6:.1f} MB)"
    )
    print(
        f"bulk PDF {args.size} (one page per venue, segno QR):     {n / t_pdf_segno:8.0f} posters/s  "
        f"({t_pdf_segno:.2f} s)"
    )
    print(f"ratio bulk PDF / bare QR (zxing-cpp): {t_pdf / t_qr:.1f}x the time")
    print(f"single PNG (A4, 150 dpi): {len(sample) / t_png:8.1f} posters/s")
    print(f"single SVG (A4):          {len(sample) / t_svg:8.1f} posters/s")


if __name__ == "__main__":
    main()
