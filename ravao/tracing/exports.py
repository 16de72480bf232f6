"""Exports of a case's contacts: XLSX and CSV for spreadsheets, JSON for outbreak tools.

Spreadsheet cells are neutralised against formula injection (Luca, 2021): any text starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so that
no spreadsheet evaluates it; numbers stay numbers. Every export is audited by the caller
(``export_case``), with who, when and which case.
"""

import csv
import io
import json
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ravao.audit.models import Action
from ravao.tracing.selectors import CaseContacts, audit_contacts_read, exposure_kind, iso

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value no spreadsheet will evaluate (text prefixed with an apostrophe if needed)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def contact_headers() -> list[str]:
    return [
        _("Rank"), _("Degree"), _("Full name"), _("Phone"), _("ID number"), _("Birth year"),
        _("Total overlap (minutes)"), _("First exposure"), _("Venues"), _("Reached"), _("Isolated"),
        _("Tested"), _("Notified"),
    ]


def contact_rows(view: CaseContacts):
    for rank, c in enumerate(view.contacts, 1):
        p = view.people.get(c.person_id)
        t = view.traces.get(c.person_id)
        venues = sorted({view.venues[e.visit.venue_id]["name"] for e in c.exposures})
        yield [
            rank, c.degree, p.full_name if p else "", p.phone if p else "", p.id_number if p else "",
            p.birth_year if p else None, c.total_overlap_minutes, c.first_exposure_at, "; ".join(venues),
            bool(t and t.reached_at), bool(t and t.isolated_at), bool(t and t.tested_at),
            c.person_id in view.notified,
        ]


def exposure_headers() -> list[str]:
    return [_("Full name"), _("Degree"), _("Venue code"), _("Venue"), _("Kind"), _("Case visit from"),
            _("Case visit to"), _("Contact visit from"), _("Contact visit to"), _("Overlap (minutes)")]


def exposure_rows(view: CaseContacts):
    for c in view.contacts:
        p = view.people.get(c.person_id)
        for e in c.exposures:
            v = view.venues[e.visit.venue_id]
            yield [p.full_name if p else "", c.degree, v["code"], v["name"],
                   exposure_kind(e.source, view.venues[e.source.venue_id]), e.source.checked_in_at,
                   e.source.checked_out_at, e.visit.checked_in_at, e.visit.checked_out_at, e.overlap_minutes]


def to_csv(view: CaseContacts) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in contact_headers()])
    for row in contact_rows(view):
        writer.writerow([neutralise(v) for v in row])
    # A BOM so that spreadsheet programs read the Vietnamese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(view: CaseContacts) -> bytes:
    # Write-only mode streams rows (tens of thousands of exposures). openpyxl stores text that
    # starts with "=" as a formula; ``neutralise`` has already prefixed every such text.
    wb = Workbook(write_only=True)
    for title, headers, rows in ((_("Contacts"), contact_headers(), contact_rows(view)),
                                 (_("Exposures"), exposure_headers(), exposure_rows(view))):
        sheet = wb.create_sheet(title[:31])
        sheet.append([neutralise(h) for h in headers])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_outbreak_json(view: CaseContacts) -> dict:
    """Cases, contacts, events and relationships, in the shape Go.Data imports.

    Field names follow Go.Data's person and relationship models (``firstName``, ``visualId``,
    ``dateOfOnset``, ``relationship.persons`` with types ``LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_*``,
    ``contactDate``); each venue becomes an event (or place) with its address' unit code.
    """
    case = view.case
    person = case.person
    case_ref = f"RAVAO-CASE-{case.pk}"

    def person_ref(pid):
        return f"RAVAO-PERSON-{pid}"

    events = {}
    for vid, v in view.venues.items():
        events[vid] = {
            "id": f"RAVAO-VENUE-{v['code']}", "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_EVENT",
            "name": v["name"], "description": v["type_name_en"], "visualId": v["code"],
            "eventCategory": v["venue_kind"],
            "address": {"typeId": "LNG_REFERENCE_DATA_CATEGORY_ADDRESS_TYPE_USUAL_PLACE_OF_RESIDENCE",
                        "addressLine1": v["street"], "locationId": v["unit_code"], "city": v["unit_name"],
                        "geoLocation": {"lat": v["latitude"], "lng": v["longitude"]} if v["latitude"] is not None else None},
        }
    contacts, relationships = [], []
    for c in view.contacts:
        p = view.people.get(c.person_id)
        contacts.append({
            "id": person_ref(c.person_id), "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_CONTACT",
            "firstName": p.full_name if p else "", "phoneNumber": p.phone if p else "",
            "documents": [{"type": "LNG_REFERENCE_DATA_CATEGORY_DOCUMENT_TYPE_NATIONAL_ID_CARD",
                           "number": p.id_number}] if p and p.id_number else [],
            "dob": None, "age": None, "gender": p.sex if p else "", "riskLevel": f"F{c.degree}",
            "dateOfLastContact": iso(max(e.visit.checked_out_at for e in c.exposures)),
            "followUp": {"status": "LNG_REFERENCE_DATA_CONTACT_FINAL_FOLLOW_UP_STATUS_TYPE_UNDER_FOLLOW_UP"},
        })
        for e in c.exposures:
            source = case_ref if c.degree == 1 else person_ref(e.source.person_id)
            source_type = "CASE" if c.degree == 1 else "CONTACT"
            relationships.append({
                "persons": [
                    {"id": source, "type": f"LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_{source_type}", "source": True},
                    {"id": person_ref(c.person_id), "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_CONTACT",
                     "target": True},
                ],
                "contactDate": iso(max(e.source.checked_in_at, e.visit.checked_in_at)),
                "contactDateEstimated": False,
                "exposureTypeId": "LNG_REFERENCE_DATA_CATEGORY_EXPOSURE_TYPE_SAME_PLACE",
                "exposureDurationId": f"{e.overlap_minutes} min",
                "comment": exposure_kind(e.source, view.venues[e.source.venue_id]),
                "eventId": events[e.visit.venue_id]["id"],
            })
    return {
        "generator": "Ravao",
        "exportedAt": iso(timezone.now()),
        "cases": [{
            "id": case_ref, "visualId": f"F0-{case.pk}", "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_CASE",
            "firstName": person.full_name, "phoneNumber": person.phone,
            "classification": "LNG_REFERENCE_DATA_CATEGORY_CASE_CLASSIFICATION_CONFIRMED",
            "dateOfOnset": iso(case.symptom_onset), "dateOfReporting": iso(case.created_at.date()),
            "dateOfLastContact": iso(case.infectious_to), "isolationDates": iso(case.isolated_at),
            "addresses": [{"typeId": "LNG_REFERENCE_DATA_CATEGORY_ADDRESS_TYPE_USUAL_PLACE_OF_RESIDENCE",
                           "locationId": case.unit.code if case.unit_id else None}],
        }],
        "contacts": contacts,
        "events": list(events.values()),
        "relationships": relationships,
    }


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}


def export_case(*, user, view: CaseContacts, fmt: str, request=None) -> tuple[bytes, str, str]:
    """The file (bytes, content type, file name), after writing the audit entry."""
    if fmt == "csv":
        body = to_csv(view)
    elif fmt == "xlsx":
        body = to_xlsx(view)
    else:
        fmt = "json"
        body = json.dumps(to_outbreak_json(view), ensure_ascii=False, indent=1).encode()
    audit_contacts_read(user=user, case=view.case, view=view, purpose=f"export {fmt}", request=request,
                        action=Action.EXPORT, detail={"format": fmt})
    content_type, ext = FORMATS[fmt]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return body, content_type, f"ravao-case-{view.case.pk}-contacts-{stamp}.{ext}"
