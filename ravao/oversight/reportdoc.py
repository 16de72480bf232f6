"""The progress report as a People's Committee (or a department) sends it: one document,
built once, then drawn as PDF, DOCX or XLSX (``reports.py``, ``reports_docx.py``).

The form follows Decree 30/2020/NĐ-CP on administrative documents: the issuing authority and
the number/symbol on the left, the national heading and the place and date on the right, the
title, "Kính gửi", the body in numbered sections, "Nơi nhận" and the signature block.

Other apps add sections (organisations, broadcasts…) with :func:`add_section`, from their
``AppConfig.ready`` — the same pattern as ``core/navigation.py``'s menu entries: a builder
``(*, user, scope, document) -> Section | None`` whose section is drawn after ours.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ravao.core.dates import format_date
from ravao.oversight import selectors, titles

# Indicator keys in report order, with their labels (definitions: docs/indicators.md).
LABELS = [
    ("registered", gettext_lazy("Registered scan points")),
    ("active_24h", gettext_lazy("Active in the last 24 hours")),
    ("active_7d", gettext_lazy("Active in the last 7 days")),
    ("scans", gettext_lazy("Scans")),
    ("unique_visitors", gettext_lazy("Unique visitors")),
    ("population", gettext_lazy("Population")),
    ("points_per_100_residents", gettext_lazy("Scan points per 100 residents")),
    ("targets", gettext_lazy("Target establishments")),
    ("targets_registered", gettext_lazy("Targets registered")),
    ("targets_registered_share", gettext_lazy("Share of targets registered")),
    ("targets_active", gettext_lazy("Targets active")),
    ("targets_active_share", gettext_lazy("Share of targets active")),
    ("suspended", gettext_lazy("Suspended venues")),
    ("unverified", gettext_lazy("Unverified venues")),
]
CHILD_COLUMNS = [
    "registered",
    "active_7d",
    "scans",
    "unique_visitors",
    "population",
    "points_per_100_residents",
    "targets",
    "targets_registered_share",
]
SECTOR_COLUMNS = ["registered", "active_7d", "scans", "targets", "targets_registered_share", "targets_active_share"]
KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Phường", "Xã")


@dataclass
class Table:
    """Rows of values (numbers stay numbers for XLSX; ``fmt_value`` draws them elsewhere):
    ``keys`` names the indicator of each column (None: text). ``marked``: rows to highlight."""

    name: str  # a short name (the XLSX sheet)
    header: list[str]
    keys: list[str | None]
    rows: list[list] = field(default_factory=list)
    marked: set[int] = field(default_factory=set)
    row_keys: list[str] | None = None  # a key per row instead (a table of indicator, value)

    def key(self, row: int, column: int) -> str | None:
        if self.row_keys is not None and self.keys[column] is not None:
            return self.row_keys[row]
        return self.keys[column]


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Document:
    authority: tuple[str, str]  # the body above, the issuing body (upper case)
    number: str  # "Số:     /BC-UBND"
    place_date: str  # "Huế, ngày 04 tháng 12 năm 2026"
    title: str
    subtitle: str
    recipient: str  # "Kính gửi: Chủ tịch UBND …"
    intro: str
    sections: list[Section]
    copies_to: list[str]
    signer: tuple[str, str]  # "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    signer_name: str
    figures: dict  # the unit's indicators (the XLSX's first sheet)
    data: dict  # the coverage document it was made from


SectionBuilder = Callable[..., Section | None]
SECTIONS: list[SectionBuilder] = []


def add_section(builder: SectionBuilder) -> SectionBuilder:
    """Register ``builder(*, user, scope, document) -> Section | None`` (idempotent); usable as
    a decorator. Its section comes after the report's own, in the order of registration."""
    if builder not in SECTIONS:
        SECTIONS.append(builder)
    return builder


def vn_date(day: date) -> str:
    """The language's date (dd/mm/yyyy in Vietnamese, as offices write dates in text)."""
    return format_date(day)


def place_name(unit) -> str:
    """The place in "…, ngày …": the unit's name without its kind ("Huế", "Thuận Hóa")."""
    if unit is None:
        return "Hà Nội"  # the capital: where national bodies sit
    name = unit.short_name or unit.name
    for kind in KINDS:
        if name.startswith(kind + " "):
            return name[len(kind) + 1 :]
    return name


def dated(place: str, day: date) -> str:
    """ "Huế, ngày 04 tháng 12 năm 2026" (a zero before days 1–9 and months 1–2, as Decree
    30/2020/NĐ-CP asks); "Huế, 4 December 2026" in English."""
    return _("%(place)s, %(long)s") % {
        "place": place,
        "long": date_format(day, "j F Y"),
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }


def lag_reasons(ind: dict) -> list[str]:
    """Why a unit or sector is below target, in words."""
    from ravao.oversight.reports import fmt_value

    if not ind["registered"]:
        return [_("no scan point registered")]
    out = []
    threshold = selectors.target_registered_share()
    if ind.get("target_basis") == "sector":
        if ind["targets_active_share"] is not None and ind["targets_active_share"] < threshold:
            out.append(
                _("%(share)s of the sector's target establishments registered and active")
                % {"share": fmt_value("targets_active_share", ind["targets_active_share"])}
            )
        return out
    p = ind["points_per_100_residents"]
    if p is not None and p < selectors.TARGET_POINTS_PER_100:
        out.append(_("%(points)s scan points per 100 residents") % {"points": fmt_value("p", p)})
    s = ind["targets_registered_share"]
    if s is not None and s < threshold:
        out.append(
            _("%(share)s of target establishments registered") % {"share": fmt_value("targets_registered_share", s)}
        )
    return out


def _recipient(unit, sector) -> str:
    if unit is None:
        return ""
    if sector is not None and titles.department(unit, sector) != titles.committee(unit):
        return titles.chair_title(unit)  # a department reports to its own People's Committee
    if unit.parent_id:
        return titles.chair_title(unit.parent)
    return _("the Ministry of Information and Communications")


def build_document(*, user, scope: selectors.Scope, today: date) -> Document:
    """The report of ``scope`` (figures counted now, ``wait``) as a document to draw."""
    data = selectors.coverage(user=user, scope=scope, wait=True)
    unit, sector = scope.unit, scope.sector
    ind = data["indicators"]
    where = titles.unit_name(unit) if unit else _("the whole country")
    if unit is not None:
        authority = titles.authority(unit, sector)
        number = _("No.: %(number)s/%(symbol)s") % {"number": "\u00a0" * 6, "symbol": titles.symbol(unit, sector)}
        signer = titles.signer(unit, sector)
    else:
        authority, number, signer = ("", _("Ravao national administration").upper()), "", ("", "")
    own = (data["responsible"] or {}).get("name", "")
    sections = [_overall(data, scope)]
    if data["children"]:
        sections.append(_children(data, scope))
    if sector is None:
        sections.append(_sectors(user=user, scope=scope))
    sections.append(_lagging(data, scope))
    if unit is not None and not data["children"]:
        sections.append(_venues(user=user, scope=scope))
    if data.get("mapping"):
        sections.append(Section(_("How the old-to-new map was applied"), [data["mapping"]["note"]]))
    document = Document(
        authority=authority,
        number=number,
        place_date=dated(place_name(unit), today),
        title=_("REPORT"),
        subtitle=_("Progress of QR check-in deployment in %(unit)s from %(first)s to %(last)s")
        % {"unit": where, "first": vn_date(scope.first), "last": vn_date(scope.last)}
        + (f" — {_('sector')} {sector.name}" if sector else ""),
        recipient=_recipient(unit, sector),
        intro=_(
            "Carrying out dispatch 2278/BTTTT-THH of the Ministry of Information and Communications on QR check-in"
            " at the entrances of offices, venues and public places, %(authority)s reports on its progress as"
            " follows:"
        )
        % {"authority": _speaker(unit, sector) if unit else where},
        sections=sections,
        copies_to=[_("As above;"), _("Archived: office.")],
        signer=signer,
        signer_name=own,
        figures=ind,
        data=data,
    )
    for builder in SECTIONS:
        extra = builder(user=user, scope=scope, document=document)
        if extra is not None:
            document.sections.append(extra)
    for i, section in enumerate(document.sections, start=1):
        section.title = f"{_roman(i)}. {section.title}"
    return document


def _speaker(unit, sector) -> str:
    return titles.department(unit, sector) if sector is not None else titles.committee(unit)


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][n] if n < 13 else str(n)


def _overall(data, scope) -> Section:
    keys = [k for k, _label in LABELS if not (k == "points_per_100_residents" and scope.sector is not None)]
    table = Table(_("Indicators"), [_("Indicator"), _("Value")], [None, "value"], row_keys=keys)
    table.rows = [[str(label), data["indicators"][k]] for k, label in LABELS if k in keys]
    paragraphs = []
    ind = data["indicators"]
    if ind.get("population_units") is not None and ind["population_units"] < ind["population_units_total"]:
        paragraphs.append(
            _(
                "Population and scan points per 100 residents are counted over the %(with)d of %(total)d"
                " provinces whose population is known."
            )
            % {"with": ind["population_units"], "total": ind["population_units_total"]}
        )
    if scope.sector is not None:
        paragraphs.append(
            _(
                "A sector is judged on its own known target establishments (the share registered and active),"
                " not on scan points per 100 residents, which count the venues of every sector."
            )
        )
    return Section(_("Overall figures"), paragraphs, [table])


def _children(data, scope) -> Section:
    skip = {"population", "points_per_100_residents"} if scope.sector is not None else set()
    keys = [k for k, _label in LABELS if k in CHILD_COLUMNS and k not in skip]
    table = Table(
        _("Child units"),
        [_("Code"), _("Unit"), *[str(label) for k, label in LABELS if k in keys], _("Responsible")],
        [None, None, *keys, None],
    )
    for i, row in enumerate(data["children"]):
        ind, person = row["indicators"], row["responsible"]
        table.rows.append(
            [row["unit"]["code"], row["unit"]["name"], *[ind[k] for k in keys], person["name"] if person else ""]
        )
        if ind["lagging"]:
            table.marked.add(i)
    return Section(_("Figures per subordinate unit"), [], [table])


def _sectors(*, user, scope) -> Section:
    labels = dict(LABELS)
    table = Table(_("By sector"), [_("Sector"), *[str(labels[k]) for k in SECTOR_COLUMNS]], [None, *SECTOR_COLUMNS])
    for i, row in enumerate(selectors.by_sector(user=user, scope=scope)):
        table.rows.append([row["sector"].name, *[row["indicators"][k] for k in SECTOR_COLUMNS]])
        if row["indicators"]["lagging"]:
            table.marked.add(i)
    return Section(_("Figures per sector"), [], [table])


def _lagging(data, scope) -> Section:
    table = Table(
        _("Lagging"),
        [_("Code"), _("Unit"), _("Below target"), _("Responsible"), _("Title"), _("Target date"), _("Commitments")],
        [None] * 7,
    )
    rows = [data] if data["indicators"]["lagging"] and scope.unit is not None else []
    rows += [c for c in data["children"] if c["indicators"]["lagging"]]
    for row in rows:
        person = row["responsible"] or {}
        due = person.get("target_date")
        table.rows.append(
            [
                row["unit"]["code"],
                row["unit"]["name"],
                "; ".join(lag_reasons(row["indicators"])),
                person.get("name") or _("not named yet"),
                person.get("title", ""),
                vn_date(date.fromisoformat(due)) if due else "",
                person.get("commitments", ""),
            ]
        )
    paragraphs = []
    if data["indicators"]["lagging"] and scope.unit is not None:
        paragraphs.append(
            _("%(unit)s is below target: %(reasons)s.")
            % {"unit": data["unit"]["name"], "reasons": "; ".join(lag_reasons(data["indicators"]))}
        )
    elif scope.unit is not None:
        paragraphs.append(_("%(unit)s meets the target.") % {"unit": data["unit"]["name"]})
    if not rows:
        paragraphs.append(_("No unit is lagging."))
    return Section(_("Units behind schedule and who answers for them"), paragraphs, [table] if rows else [])


def _venues(*, user, scope) -> Section:
    table = Table(
        _("Venues"),
        [_("Code"), _("Venue"), _("Type"), _("Status"), _("Scans"), _("Active in the last 7 days"), _("Last scan")],
        [None, None, None, None, "scans", None, None],
    )
    rows = selectors.venue_rows(user=user, scope=scope)
    for i, r in enumerate(rows):
        v = r["venue"]
        last = timezone.localtime(r["last_scan_at"]).strftime("%H:%M %d/%m/%Y") if r["last_scan_at"] else "—"
        table.rows.append(
            [
                v.code,
                v.name,
                v.venue_type.name,
                v.get_status_display(),
                r["scans"],
                _("yes") if r["active_7d"] else _("no"),
                last,
            ]
        )
        if not r["active_7d"]:
            table.marked.add(i)
    paragraphs = [] if rows else [_("No venues registered here yet.")]
    return Section(_("Venues"), paragraphs, [table] if rows else [])
