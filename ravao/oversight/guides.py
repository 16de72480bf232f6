"""Guidance material that canvassers hand out and the site serves: one short illustrated guide
per role, in Vietnamese and English (gettext), as a page and as a printable PDF.

Each step has an icon drawn from a few primitives, rendered both as inline SVG (pages) and
with reportlab shapes (PDF), so the two never drift apart.
"""

import io

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ravao.core.fonts import BOLD, REGULAR, register_fonts

# Icons on a 64×64 grid: ("rect", x, y, w, h, colour) | ("circle", cx, cy, r, colour) | ("line", x1, y1, x2, y2, colour)
BLUE, GREEN, GREY, DARK, WHITE, RED = "#0b6bcb", "#1a7f37", "#9aa3ad", "#1b1f23", "#ffffff", "#c62828"
_QR = [
    ("rect", 22, 20, 20, 20, DARK),
    ("rect", 25, 23, 5, 5, WHITE),
    ("rect", 34, 23, 5, 5, WHITE),
    ("rect", 25, 32, 5, 5, WHITE),
    ("rect", 34, 33, 3, 3, WHITE),
]
ICONS = {
    "phone": [("rect", 18, 6, 28, 52, DARK), ("rect", 21, 11, 22, 40, WHITE), ("circle", 32, 54, 2, WHITE)],
    "qr": [("rect", 10, 10, 44, 44, WHITE), *_QR, ("line", 10, 10, 54, 10, DARK), ("line", 10, 54, 54, 54, DARK)],
    "scan": [("rect", 18, 6, 28, 52, DARK), ("rect", 21, 11, 22, 40, WHITE), *_QR, ("line", 21, 30, 43, 30, RED)],
    "poster": [
        ("rect", 14, 6, 36, 52, BLUE),
        ("rect", 18, 10, 28, 6, WHITE),
        *[(k, x, y + 8, *r) for k, x, y, *r in _QR],
    ],
    "print": [
        ("rect", 12, 24, 40, 20, GREY),
        ("rect", 20, 10, 24, 14, WHITE),
        ("line", 20, 10, 44, 10, DARK),
        ("rect", 20, 38, 24, 18, WHITE),
        ("line", 24, 46, 40, 46, DARK),
    ],
    "staff": [
        ("circle", 24, 20, 8, BLUE),
        ("rect", 14, 30, 20, 24, BLUE),
        ("circle", 44, 22, 7, GREEN),
        ("rect", 36, 31, 16, 22, GREEN),
    ],
    "offline": [
        ("rect", 18, 6, 28, 52, DARK),
        ("rect", 21, 11, 22, 40, WHITE),
        ("line", 24, 16, 40, 44, RED),
        ("line", 40, 16, 24, 44, RED),
    ],
    "card": [
        ("rect", 8, 16, 48, 32, BLUE),
        ("rect", 13, 22, 12, 14, WHITE),
        ("line", 30, 26, 50, 26, WHITE),
        ("line", 30, 34, 46, 34, WHITE),
        ("rect", 40, 38, 8, 6, "#d4a017"),
    ],
    "check": [("circle", 32, 32, 24, GREEN), ("line", 20, 32, 29, 41, WHITE), ("line", 29, 41, 45, 23, WHITE)],
    "chart": [
        ("rect", 10, 40, 8, 16, BLUE),
        ("rect", 22, 28, 8, 28, BLUE),
        ("rect", 34, 18, 8, 38, GREEN),
        ("rect", 46, 34, 8, 22, RED),
        ("line", 8, 56, 58, 56, DARK),
    ],
    "table": [
        ("rect", 8, 12, 48, 40, WHITE),
        ("rect", 8, 12, 48, 8, BLUE),
        ("line", 8, 30, 56, 30, GREY),
        ("line", 8, 40, 56, 40, GREY),
        ("rect", 9, 41, 46, 9, "#fde2e1"),
    ],
    "report": [
        ("rect", 14, 6, 36, 52, WHITE),
        ("line", 14, 6, 50, 6, DARK),
        ("line", 14, 58, 50, 58, DARK),
        ("line", 20, 18, 44, 18, DARK),
        ("line", 20, 28, 44, 28, GREY),
        ("line", 20, 38, 44, 38, GREY),
        ("line", 30, 50, 48, 50, BLUE),
    ],
}

GUIDES = {
    "venue_owner": {
        "title": _("Guide for venue owners"),
        "intro": _(
            "Every shop, office, school or bus must let visitors check in with a QR code. It takes five minutes."
        ),
        "steps": [
            (
                "phone",
                _("Register your venue"),
                _(
                    "Open “Register a venue” on Ravao (or ask the commune official who visits you): name, type, "
                    "address, your phone for an SMS code. You get a venue code; afterwards you log in with your "
                    "phone number, and “Forgot your password?” sends a new code."
                ),
            ),
            (
                "print",
                _("Print the poster"),
                _(
                    "Print the QR poster of each entrance (A4 or A5) and stick it at eye height by the door. A new "
                    "poster replaces the old one if you revoke it."
                ),
            ),
            (
                "staff",
                _("Add your gate staff"),
                _(
                    "Add the staff who check people in at the gate: they log in on their own phone, never with "
                    "your account. Make a new account on the venue's page, or invite someone who already has one: "
                    "they work at your venue once they accept the invitation on their dashboard."
                ),
            ),
            (
                "check",
                _("Check it works"),
                _("Scan the poster once yourself: the check-in appears in your venue's list within a minute."),
            ),
        ],
    },
    "gate_staff": {
        "title": _("Guide for gate staff"),
        "intro": _("You check in visitors who cannot scan the poster themselves."),
        "steps": [
            (
                "scan",
                _("Scan"),
                _(
                    "Open “Gate” on your phone and scan the visitor's personal QR or chip ID card. Green: let them "
                    "in. Yellow or red: the screen says why, what your venue does (let in, send to the screening "
                    "desk, or refuse) and the health hotline to give them; a refusal is recorded, not a visit."
                ),
            ),
            (
                "offline",
                _("No network?"),
                _(
                    "Open “Gate scanner” once with the network on each shift: the phone sets up its key. Then keep "
                    "scanning without network: check-ins are stored on the phone, signed, and sent automatically "
                    "when the network is back. Do not close the page."
                ),
            ),
            (
                "card",
                _("People without a phone"),
                _(
                    "Type their phone or ID number with the year of birth they tell you (an unknown number and a "
                    "wrong year get the same answer). New here? Tap “New person without a smartphone”: phone, CCCD, "
                    "old CMND, passport or BHYT number, name, year of birth and their declaration, then print their "
                    "wallet card. A health declaration you record counts at other gates only after you scanned "
                    "their ID card or personal QR."
                ),
            ),
        ],
    },
    "visitor": {
        "title": _("Guide for visitors"),
        "intro": _("Check in at every place you enter. It protects you and your family."),
        "steps": [
            (
                "qr",
                _("Scan the poster"),
                _("Open your phone camera and point it at the QR poster by the door. No app to install."),
            ),
            (
                "phone",
                _("Declare"),
                _(
                    "The first time, fill in the health declaration (Decision 2666): name, year of birth, sex, "
                    "nationality, phone or ID number, the commune or ward you live in (today's or the old one) "
                    "and the street, then the health questions, and tick the commitment that it is true; press "
                    "“Check in”. Next times, one tap. Only a declaration from your own phone changes your colour: "
                    "what someone else types about you never does."
                ),
            ),
            (
                "check",
                _("Show the screen"),
                _(
                    "Show the green screen to the gate staff. Yellow or red: read what to do and call the hotline "
                    "shown. No smartphone? Show your personal QR card or chip ID card. “Check whether I was "
                    "exposed” compares the places of confirmed cases with the visits saved on your phone."
                ),
            ),
        ],
    },
    "official": {
        "title": _("Guide for officials"),
        "intro": _("The dashboard shows, for your area, which places scan and which do not."),
        "steps": [
            (
                "phone",
                _("Log in with your phone at hand"),
                _(
                    "Province officials and administrators: after the password, type the code of your authenticator "
                    "app (set up at the first log-in with the QR code shown). Keep the recovery codes apart from "
                    "the phone; lost both? The official who manages your account resets it."
                ),
            ),
            (
                "chart",
                _("Read the figures"),
                _(
                    "Open “Deployment progress”: registered scan points, active ones in the last 24 hours and 7 "
                    "days, scans, unique visitors, and scan points per 100 residents (target: at least 1)."
                ),
            ),
            (
                "table",
                _("Find who lags"),
                _(
                    "The child-unit table is sorted by any column; units below target are highlighted. Tap a unit "
                    "to drill down to its communes and venues."
                ),
            ),
            (
                "report",
                _("Report upward"),
                _(
                    "Download the progress report (XLSX or PDF) for a period; it is also e-mailed every week to "
                    "the officials of the level above."
                ),
            ),
            (
                "report",
                _("The declaration form (national administrators)"),
                _(
                    "“Health declaration form”, “New version”: change the questions or the colour rules, press "
                    "“Preview” to see the form as visitors will, then “Publish this version”. Every visitor page "
                    "and gate asks the new version at once; declarations made before keep theirs."
                ),
            ),
            (
                "staff",
                _("Enlist and announce"),
                _(
                    "Enlist canvassers from the mass organisations (“Canvassers”), read today's script on the "
                    "loudspeakers or radio, post the printed notice in every village and log each broadcast "
                    "(“Loudspeakers and radio”)."
                ),
            ),
        ],
    },
    "canvasser": {
        "title": _("Guide for canvassers"),
        "intro": _(
            "An official of your commune, or a member of the Fatherland Front or a mass organisation (Youth "
            "Union, Women's Union, Veterans, Farmers, trade unions) enlisted by it: you visit every establishment "
            "of your commune until each one has a scan point that really scans."
        ),
        "steps": [
            (
                "table",
                _("Open your list"),
                _(
                    "Open “Door-to-door campaign” and tap “Assigned to me”: the establishments you are to visit, "
                    "each with its status."
                ),
            ),
            (
                "staff",
                _("Visit and guide"),
                _(
                    "At each door, hand out the guide for venue owners and tap “Record a visit” (status “Guided”). "
                    "Not on the list? Tap “Add an establishment” on the spot."
                ),
            ),
            (
                "poster",
                _("Register it there and then"),
                _(
                    "Tap “Register this establishment as a venue”: its name, type and address are carried over; "
                    "print or send the poster."
                ),
            ),
            (
                "chart",
                _("Follow progress"),
                _(
                    "The establishment turns active when its first scans arrive. “Progress per canvasser” shows "
                    "how far you are."
                ),
            ),
        ],
    },
    "tracer": {
        "title": _("Guide for contact tracers"),
        "intro": _("From a confirmed case to the list of people to call, in a few minutes."),
        "steps": [
            (
                "card",
                _("Open the case"),
                _(
                    "Log in with your password and the code of your authenticator app (the second factor), open "
                    "“Contact tracing”, tap “Open a case” and find the person by the phone or ID number given "
                    "at check-in. The infectious window starts two days before symptom onset (or the test date); "
                    "correct it on the case page if needed. Many cases at once: “Import cases” from a spreadsheet."
                ),
            ),
            (
                "table",
                _("Read the contacts"),
                _(
                    "Tap “Contacts”: everyone who was at the same place or on the same trip at the same time, "
                    "ranked by minutes of overlap. “With second degree (F2)” adds the contacts of those contacts. "
                    "Every view is recorded in the audit log."
                ),
            ),
            (
                "phone",
                _("Call and follow up"),
                _(
                    "Tap “Notify contacts not yet notified (SMS / e-mail)”, then tick “reached”, “isolated” or "
                    "“tested” for each person as you follow up. “Export” gives the list as XLSX, CSV or JSON "
                    "(Go.Data)."
                ),
            ),
            (
                "poster",
                _("Warn the public"),
                _(
                    "Under “Venues to alert”, tap “Publish window”: the place and the hours appear in “Places with "
                    "possible exposure”, which visitors' phones compare with the visits they saved, without "
                    "sending anything. Where the province turned on automatic warnings, opening the case does this "
                    "at once and messages F1 and F2. “Red and yellow declarants” lists the people of your area to "
                    "call."
                ),
            ),
        ],
    },
    "auditor": {
        "title": _("Guide for auditors"),
        "intro": _(
            "Every read, export or change of personal data leaves an entry that nobody can edit or delete. You "
            "check that each one had a reason."
        ),
        "steps": [
            (
                "phone",
                _("Log in with your phone at hand"),
                _(
                    "Your account reads personal data: after the password, type the code of your authenticator "
                    "app (set up at the first log-in with the QR code shown). Keep the recovery codes apart from "
                    "the phone; lost both? The official who manages your account resets it."
                ),
            ),
            (
                "table",
                _("Open the log"),
                _(
                    "Open “Audit log”: when, who, what was read or changed, for which case, why (“Purpose”) and "
                    "from which address."
                ),
            ),
            (
                "chart",
                _("Follow a trail"),
                _(
                    "Filter by user, action, case or dates to follow one tracer's work or everything read about "
                    "one case."
                ),
            ),
            (
                "check",
                _("Ask about what does not fit"),
                _(
                    "A contact list read with no open case behind it, many exports by one account, reads at night "
                    "or from an unknown address: ask the user's supervisor and keep a note of the answer."
                ),
            ),
        ],
    },
}
ROLES = list(GUIDES)


def icon_svg(name: str, size: int = 64) -> str:
    parts = []
    for shape in ICONS[name]:
        kind, *a = shape
        if kind == "rect":
            parts.append(
                f'<rect x="{a[0]}" y="{a[1]}" width="{a[2]}" height="{a[3]}" fill="{a[4]}" '
                'stroke="#1b1f23" stroke-width="1"/>'
            )
        elif kind == "circle":
            parts.append(f'<circle cx="{a[0]}" cy="{a[1]}" r="{a[2]}" fill="{a[3]}"/>')
        else:
            parts.append(
                f'<line x1="{a[0]}" y1="{a[1]}" x2="{a[2]}" y2="{a[3]}" stroke="{a[4]}" '
                'stroke-width="3" stroke-linecap="round"/>'
            )
    return (
        f'<svg viewBox="0 0 64 64" width="{size}" height="{size}" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def guide_context(role: str) -> dict:
    g = GUIDES[role]
    return {
        "role": role,
        "title": str(g["title"]),
        "intro": str(g["intro"]),
        "steps": [{"icon": icon_svg(i), "title": str(t), "text": str(x)} for i, t, x in g["steps"]],
    }


def _icon_drawing(name: str, size: float):
    from reportlab.graphics.shapes import Circle, Drawing, Line, Rect
    from reportlab.lib import colors

    d = Drawing(size, size)
    k = size / 64
    for shape in ICONS[name]:
        kind, *a = shape
        # SVG's y axis points down, reportlab's up.
        if kind == "rect":
            d.add(
                Rect(
                    a[0] * k,
                    size - (a[1] + a[3]) * k,
                    a[2] * k,
                    a[3] * k,
                    fillColor=colors.HexColor(a[4]),
                    strokeColor=colors.HexColor(DARK),
                    strokeWidth=0.5,
                )
            )
        elif kind == "circle":
            d.add(Circle(a[0] * k, size - a[1] * k, a[2] * k, fillColor=colors.HexColor(a[3]), strokeColor=None))
        else:
            d.add(
                Line(
                    a[0] * k,
                    size - a[1] * k,
                    a[2] * k,
                    size - a[3] * k,
                    strokeColor=colors.HexColor(a[4]),
                    strokeWidth=2,
                )
            )
    return d


def guide_pdf(role: str, language: str) -> bytes:
    """A one-page printable guide (A5 leaflet) in ``language``."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    font = REGULAR
    with translation.override(language):
        ctx = guide_context(role)
        h1 = ParagraphStyle("h1", fontName=BOLD, fontSize=15, leading=19, spaceAfter=4)
        h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=11, leading=14)
        body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=12.5)
        story = [Paragraph(escape(ctx["title"]), h1), Paragraph(escape(ctx["intro"]), body), Spacer(1, 4 * mm)]
        rows = []
        for (icon, _t, _x), step in zip(GUIDES[role]["steps"], ctx["steps"], strict=True):
            rows.append(
                [
                    _icon_drawing(icon, 16 * mm),
                    [Paragraph(escape(step["title"]), h2), Paragraph(escape(step["text"]), body)],
                ]
            )
        table = Table(rows, colWidths=[20 * mm, 100 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story += [
            table,
            Spacer(1, 4 * mm),
            Paragraph(escape(gettext("Ravao — QR check-in for a safer community.")), body),
        ]
        out = io.BytesIO()
        SimpleDocTemplate(
            out,
            pagesize=A5,
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=12 * mm,
            title=ctx["title"],
        ).build(story)
    return out.getvalue()
