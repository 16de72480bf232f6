"""Names of posts and authorities as Vietnamese administration writes them: the chair of a
People's Committee, the director of a provincial department, the head of a district office;
the issuing authority and the symbol of a report (Decree 30/2020/NĐ-CP on administrative
documents). Used by the dashboards, the responsible-person pages and the reports."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ravao.units.models import Level

# The provincial department (Sở, or the industrial-zone board) that drives each sector, with
# the abbreviation of its report symbol (BC-SYT: a report of the Sở Y tế).
DEPARTMENTS = {
    "health": (gettext_lazy("Department of Health"), "SYT"),
    "education": (gettext_lazy("Department of Education and Training"), "SGDĐT"),
    "labour": (gettext_lazy("Department of Labour, Invalids and Social Affairs"), "SLĐTBXH"),
    "transport": (gettext_lazy("Department of Transport"), "SGTVT"),
    "industrial": (gettext_lazy("Management Board of the Industrial Zones"), "BQLKCN"),
    "information": (gettext_lazy("Department of Information and Communications"), "STTTT"),
    "trade": (gettext_lazy("Department of Industry and Trade"), "SCT"),
    "culture": (gettext_lazy("Department of Culture, Sports and Tourism"), "SVHTTDL"),
}
# The district office (Phòng) of each sector, where a district has one.
OFFICES = {
    "health": gettext_lazy("Health Office"),
    "education": gettext_lazy("Education and Training Office"),
    "labour": gettext_lazy("Labour, Invalids and Social Affairs Office"),
    "transport": gettext_lazy("Economic and Infrastructure Office"),
    "information": gettext_lazy("Culture and Information Office"),
    "culture": gettext_lazy("Culture and Information Office"),
    "trade": gettext_lazy("Economic Office"),
}


def _vi() -> bool:
    return (translation.get_language() or "vi").startswith("vi")


def unit_name(unit) -> str:
    """A unit's name inside a sentence: "phường Thuận Hóa" in Vietnamese (the kind in lower
    case after a title), unchanged in English."""
    name = unit.name
    return name[:1].lower() + name[1:] if _vi() and name else name


def committee(unit) -> str:
    """ "UBND phường Thuận Hóa": the People's Committee of the unit."""
    return _("People's Committee of %(unit)s") % {"unit": unit_name(unit)}


def chair_title(unit) -> str:
    return _("Chair of the People's Committee of %(unit)s") % {"unit": unit_name(unit)}


def department(unit, sector) -> str:
    """The body that drives ``sector`` at ``unit``'s level: a provincial department, a district
    office, or (in a commune, or a sector without one) the unit's People's Committee."""
    if unit.level == Level.PROVINCE and sector.code in DEPARTMENTS:
        return str(DEPARTMENTS[sector.code][0])
    if unit.level == Level.DISTRICT and sector.code in OFFICES:
        return str(OFFICES[sector.code])
    return committee(unit)


def default_title(unit, sector=None) -> str:
    """The usual title of whoever answers for ``unit`` (and ``sector``)."""
    if sector is None:
        return chair_title(unit)
    if unit.level == Level.PROVINCE and sector.code == "industrial":
        return _("Head of the Management Board of the Industrial Zones")
    if unit.level == Level.PROVINCE and sector.code in DEPARTMENTS:
        return _("Director of the %(department)s") % {"department": DEPARTMENTS[sector.code][0]}
    if unit.level == Level.DISTRICT and sector.code in OFFICES:
        office = str(OFFICES[sector.code])
        return _("Head of the %(office)s") % {"office": office[:1].lower() + office[1:] if _vi() else office}
    return _("Official in charge of %(sector)s, %(unit)s") % {"sector": sector.name, "unit": unit_name(unit)}


def title_of(responsibility) -> str:
    return responsibility.title or default_title(responsibility.unit, responsibility.sector)


def authority(unit, sector=None) -> tuple[str, str]:
    """The issuing authority of a report, as two upper-case lines (the body above, the body
    itself): ("UBND THÀNH PHỐ HUẾ", "SỞ Y TẾ") or ("UBND TỈNH …", "UBND PHƯỜNG THUẬN HÓA")."""
    own = department(unit, sector) if sector is not None else committee(unit)
    above = committee(unit) if own != committee(unit) else (committee(unit.parent) if unit.parent_id else "")
    return above.upper(), own.upper()


def symbol(unit, sector=None) -> str:
    """The symbol after the number: "BC-UBND" for a People's Committee, "BC-SYT" for the
    Department of Health (the number itself is given by the clerk when the report is issued)."""
    if sector is not None and unit.level == Level.PROVINCE and sector.code in DEPARTMENTS:
        return "BC-" + DEPARTMENTS[sector.code][1]
    return "BC-UBND"


def signer(unit, sector=None) -> tuple[str, str]:
    """The lines above a signature: ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") for a committee, ("",
    "GIÁM ĐỐC") for a department."""
    if sector is not None and department(unit, sector) != committee(unit):
        if unit.level == Level.DISTRICT:
            return "", _("Head of the office").upper()
        return "", (_("Head of the board") if sector.code == "industrial" else _("Director")).upper()
    return _("On behalf of the People's Committee").upper(), _("Chair").upper()
