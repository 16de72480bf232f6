"""The national defaults of what a colour does (loaded by a data migration; idempotent).

A hospital or clinic sends a red or yellow visitor to its screening desk (triage, as hospitals
did in 2021); crowded places where people cannot be kept apart refuse a red visitor. Everything
else lets people in and shows the advice. Provinces change these on the health settings page.
"""

NATIONAL_HOTLINE = "1900 9095"  # the Ministry of Health's hotline

RULES = [
    ("hospital", "red", "refer"),
    ("hospital", "yellow", "refer"),
    ("clinic", "red", "refer"),
    ("clinic", "yellow", "refer"),
    ("market", "red", "refuse"),
    ("supermarket", "red", "refuse"),
    ("shopping_centre", "red", "refuse"),
    ("school", "red", "refuse"),
]


def load_defaults(HealthContact, ColourRule, VenueType) -> None:
    if not HealthContact.objects.filter(unit__isnull=True).exists():
        HealthContact.objects.create(unit=None, hotline=NATIONAL_HOTLINE)
    types = dict(VenueType.objects.filter(code__in={r[0] for r in RULES}).values_list("code", "pk"))
    for code, status, action in RULES:
        if code in types:
            ColourRule.objects.get_or_create(
                unit=None, venue_type_id=types[code], status=status, defaults={"action": action}
            )
