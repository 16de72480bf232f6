"""The audit log in the reader's language: what each stored code means.

Entries keep stable English codes (``object_type``, ``purpose``) so that the API, exports to
other tools and old entries stay comparable; the pages and the XLSX/CSV export show them through
these tables, in the active language. A code not listed here (a new one, or one from an older
version) is shown as stored rather than hidden.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# object_type -> how one object of that type reads; %(id)s is the stored object id.
OBJECTS = {
    "case": gettext_lazy("Case F0 #%(id)s"),
    "case_contacts": gettext_lazy("Contacts of case F0 #%(id)s"),
    "contact": gettext_lazy("Contact (person #%(id)s)"),
    "person": gettext_lazy("Person #%(id)s"),
    "checkins.visit": gettext_lazy("Visits of the day at venue %(id)s"),
    "venue_registry": gettext_lazy("Venue registry"),
    "field_keys": gettext_lazy("Encryption keys of personal data"),
    "audit_log": gettext_lazy("Audit log"),
    "card_mismatch": gettext_lazy("ID card that does not match"),
    "no_match": gettext_lazy("Typed number matching nobody"),
}

# purpose -> label (a few purposes carry a variable part: see ``purpose_label``).
PURPOSES = {
    "open case": gettext_lazy("Opening a case"),
    "edit case": gettext_lazy("Changing a case"),
    "case page": gettext_lazy("Case page"),
    "case detail (API)": gettext_lazy("Case details (API)"),
    "contact list (page)": gettext_lazy("Contact list (page)"),
    "contact list (API)": gettext_lazy("Contact list (API)"),
    "contact list (CLI)": gettext_lazy("Contact list (command line)"),
    "contact follow-up": gettext_lazy("Contact follow-up"),
    "notify contacts": gettext_lazy("Notifying contacts"),
    "gate: typed number": gettext_lazy("Gate: typed number"),
    "gate: refused scan": gettext_lazy("Gate: refused scan"),
    "venue daily list (masked)": gettext_lazy("Venue's list of the day (masked names)"),
    "rotatekeys": gettext_lazy("Key rotation"),
    "merge of duplicate people (one person per identity)": gettext_lazy("Merging duplicate people"),
    "audit log export": gettext_lazy("Export of the audit log"),
}
EXPORT_PREFIX = "export "
OUTSIDE = ", outside jurisdiction"


def object_label(object_type: str, object_id: str = "") -> str:
    template = OBJECTS.get(object_type)
    if template is None:
        return f"{object_type} {object_id}".strip()
    return str(template) % {"id": object_id} if "%(id)s" in str(template) else str(template)


def purpose_label(purpose: str) -> str:
    outside = purpose.endswith(OUTSIDE)
    base = purpose[: -len(OUTSIDE)] if outside else purpose
    if base in PURPOSES:
        label = str(PURPOSES[base])
    elif base.startswith(EXPORT_PREFIX):  # "export xlsx": the tracer's export, by format
        label = _("Export (%(format)s)") % {"format": base[len(EXPORT_PREFIX) :].upper()}
    else:
        return purpose
    return _("%(purpose)s, outside the jurisdiction") % {"purpose": label} if outside else label
