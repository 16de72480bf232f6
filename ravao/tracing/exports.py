"""Exports of a case's contacts: XLSX and CSV for spreadsheets, JSON for outbreak tools.

Spreadsheet cells are neutralised against formula injection (Luca, 2021) by
``ravao.core.spreadsheet`` (CSV: ``csv_value``; XLSX: ``XlsxSheet``); numbers stay numbers, dates
are in the language's format. Every export is audited
(``export_case``), with who, when and which case. Exports hold every contact (F2 included): they
are read in batches and written to a temporary file, so memory does not grow with the list.
"""

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.audit.models import Action
from ravao.core.dbrouting import reading_from_replica
from ravao.core.spreadsheet import XlsxSheet, csv_value, xlsx_workbook
from ravao.tracing import contacts as engine
from ravao.tracing.selectors import (
    CaseContacts,
    audit_contacts,
    contact_batches,
    exposure_kind,
    exposure_unproven,
    exposure_unverified,
    foreign_contacts,
    iso,
)


def kind_label(kind: str) -> str:
    """How a tracer reads an exposure's kind (the JSON keeps the code)."""
    return {"trip": _("same trip"), "event": _("same event"), "venue": _("same venue")}.get(kind, kind)


# Widths of the XLSX columns (characters), in the order of the headers.
CONTACT_WIDTHS = [6, 7, 28, 15, 15, 10, 14, 17, 40, 9, 9, 9, 9, 30]
EXPOSURE_WIDTHS = [28, 7, 10, 30, 12, 17, 17, 17, 17, 10, 10, 10]


def contact_headers() -> list[str]:
    return [
        _("Rank"),
        _("Degree"),
        _("Full name"),
        _("Phone"),
        _("ID number"),
        _("Birth year"),
        _("Total overlap (minutes)"),
        _("First exposure"),
        _("Venues"),
        _("Reached"),
        _("Isolated"),
        _("Tested"),
        _("Notified"),
        _("Evidence"),
    ]


def evidence_text(view: CaseContacts, c) -> str:
    """Empty for a contact with at least one exposure on proven visits at a verified venue."""
    ev = view.evidence.get(c.person_id)
    if ev is None or not ev.weak:
        return ""
    if ev.only_unproven_claims:
        return _("Only unproven claims")
    if ev.only_unverified_venues:
        return _("Only unverified venues")
    return _("Only unproven claims or unverified venues")


def contact_rows(view: CaseContacts, first_rank: int = 1):
    for rank, c in enumerate(view.contacts, first_rank):
        p = view.people.get(c.person_id)
        t = view.traces.get(c.person_id)
        venues = sorted({view.venues[e.visit.venue_id]["name"] for e in c.exposures})
        yield [
            rank,
            c.degree,
            p.full_name if p else "",
            p.phone if p else "",
            p.id_number if p else "",
            p.birth_year if p else None,
            c.total_overlap_minutes,
            c.first_exposure_at,
            "; ".join(venues),
            bool(t and t.reached_at),
            bool(t and t.isolated_at),
            bool(t and t.tested_at),
            c.person_id in view.notified,
            evidence_text(view, c),
        ]


def exposure_headers() -> list[str]:
    return [
        _("Full name"),
        _("Degree"),
        _("Venue code"),
        _("Venue"),
        _("Kind"),
        _("Case visit from"),
        _("Case visit to"),
        _("Contact visit from"),
        _("Contact visit to"),
        _("Overlap (minutes)"),
        _("Unproven claim"),
        _("Unverified venue"),
    ]


def exposure_rows(view: CaseContacts):
    for c in view.contacts:
        p = view.people.get(c.person_id)
        for e in c.exposures:
            v = view.venues[e.visit.venue_id]
            yield [
                p.full_name if p else "",
                c.degree,
                v["code"],
                v["name"],
                kind_label(exposure_kind(e.source, view.venues[e.source.venue_id])),
                e.sources_from,
                e.sources_to,
                e.visit.checked_in_at,
                e.visit.checked_out_at,
                e.overlap_minutes,
                exposure_unproven(view.unproven, e),
                exposure_unverified(view.venues, e),
            ]


def write_csv(out, views: Iterable[CaseContacts]):
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    # A BOM so that spreadsheet programs read the Vietnamese text as UTF-8.
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow([csv_value(h) for h in contact_headers()])
    rank = 1
    for view in views:
        for row in contact_rows(view, rank):
            writer.writerow([csv_value(v) for v in row])
        rank += len(view.contacts)
    text.flush()
    text.detach()


def write_xlsx(out, views: Iterable[CaseContacts]):
    # Write-only mode streams each sheet's rows to a temporary file (hundreds of thousands of
    # exposures at F2); ``XlsxSheet`` writes text as text (never a formula) and dates as dates.
    wb = xlsx_workbook()
    contacts = XlsxSheet(wb, _("Contacts"), contact_headers(), CONTACT_WIDTHS)
    exposures = XlsxSheet(wb, _("Exposures"), exposure_headers(), EXPOSURE_WIDTHS)
    rank = 1
    for view in views:
        for row in contact_rows(view, rank):
            contacts.append(row)
        for row in exposure_rows(view):
            exposures.append(row)
        rank += len(view.contacts)
    contacts.close()
    exposures.close()
    wb.save(out)


def _event(v: dict) -> dict:
    return {
        "id": f"RAVAO-VENUE-{v['code']}",
        "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_EVENT",
        "name": v["name"],
        "description": v["type_name_en"],
        "visualId": v["code"],
        "eventCategory": v["venue_kind"],
        "address": {
            "typeId": "LNG_REFERENCE_DATA_CATEGORY_ADDRESS_TYPE_USUAL_PLACE_OF_RESIDENCE",
            "addressLine1": v["street"],
            "locationId": v["unit_code"],
            "city": v["unit_name"],
            "geoLocation": {"lat": v["latitude"], "lng": v["longitude"]} if v["latitude"] is not None else None,
        },
    }


def _person_ref(pid) -> str:
    return f"RAVAO-PERSON-{pid}"


def _outbreak_contact(view: CaseContacts, c) -> dict:
    p = view.people.get(c.person_id)
    return {
        "id": _person_ref(c.person_id),
        "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_CONTACT",
        "firstName": p.full_name if p else "",
        "phoneNumber": p.phone if p else "",
        "documents": [{"type": "LNG_REFERENCE_DATA_CATEGORY_DOCUMENT_TYPE_NATIONAL_ID_CARD", "number": p.id_number}]
        if p and p.id_number
        else [],
        "dob": None,
        "age": None,
        "gender": p.sex if p else "",
        "riskLevel": f"F{c.degree}",
        "dateOfLastContact": iso(max(e.visit.checked_out_at for e in c.exposures)),
        "followUp": {"status": "LNG_REFERENCE_DATA_CONTACT_FINAL_FOLLOW_UP_STATUS_TYPE_UNDER_FOLLOW_UP"},
        # Weak evidence (every exposure on an unproven claim or at an unverified venue): said in
        # Go.Data's free-text risk reason, and as a flag for other tools.
        "riskReason": evidence_text(view, c),
        "weakEvidence": bool(view.evidence.get(c.person_id) and view.evidence[c.person_id].weak),
    }


def _relationships(view: CaseContacts, c, case_ref: str):
    """One relationship per exposure and source person (F1: the case; F2: each F1 met there),
    with the time spent with that person during the visit."""
    for exposure in c.exposures:
        by_person: dict[int, list] = {}
        for v in exposure.sources:
            by_person.setdefault(v.person_id, []).append(v)
        for person_id, sources in by_person.items():
            e = exposure if len(by_person) == 1 else engine.Exposure.of(exposure.visit, sources)
            yield _relationship(view, c, e, case_ref if c.degree == 1 else _person_ref(person_id))


def _relationship(view: CaseContacts, c, e, source: str) -> dict:
    source_type = "CASE" if c.degree == 1 else "CONTACT"
    unproven, unverified = exposure_unproven(view.unproven, e), exposure_unverified(view.venues, e)
    return {
        "persons": [
            {"id": source, "type": f"LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_{source_type}", "source": True},
            {"id": _person_ref(c.person_id), "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_CONTACT", "target": True},
        ],
        "contactDate": iso(max(e.sources_from, e.visit.checked_in_at)),
        "contactDateEstimated": False,
        "exposureTypeId": "LNG_REFERENCE_DATA_CATEGORY_EXPOSURE_TYPE_SAME_PLACE",
        "exposureDurationId": f"{e.overlap_minutes} min",
        "comment": exposure_kind(e.source, view.venues[e.source.venue_id]),
        "eventId": f"RAVAO-VENUE-{view.venues[e.visit.venue_id]['code']}",
        # An unproven claim or an unverified venue: low certainty (Go.Data's reference values).
        "certaintyLevelId": "LNG_REFERENCE_DATA_CATEGORY_CERTAINTY_LEVEL_"
        + ("1_LOW" if unproven or unverified else "3_HIGH"),
        "unprovenClaim": unproven,
        "venueVerified": not unverified,
    }


def _case_entry(case) -> dict:
    person = case.person
    return {
        "id": f"RAVAO-CASE-{case.pk}",
        "visualId": f"F0-{case.pk}",
        "type": "LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_CASE",
        "firstName": person.full_name,
        "phoneNumber": person.phone,
        "classification": "LNG_REFERENCE_DATA_CATEGORY_CASE_CLASSIFICATION_CONFIRMED",
        "dateOfOnset": iso(case.symptom_onset),
        "dateOfReporting": iso(case.created_at.date()),
        "dateOfLastContact": iso(case.infectious_to),
        "isolationDates": iso(case.isolated_at),
        "addresses": [
            {
                "typeId": "LNG_REFERENCE_DATA_CATEGORY_ADDRESS_TYPE_USUAL_PLACE_OF_RESIDENCE",
                "locationId": case.unit.code if case.unit_id else None,
            }
        ],
    }


def write_outbreak_json(out, case, views: Iterable[CaseContacts]):
    """Cases, contacts, events and relationships, in the shape Go.Data imports, written as the
    contacts come (relationships wait in a temporary file; events, the venues met, at the end).

    Field names follow Go.Data's person and relationship models (``firstName``, ``visualId``,
    ``dateOfOnset``, ``relationship.persons`` with types ``LNG_REFERENCE_DATA_CATEGORY_PERSON_TYPE_*``,
    ``contactDate``); each venue becomes an event (or place) with its address' unit code.
    """
    case_ref = f"RAVAO-CASE-{case.pk}"

    def dump(obj) -> bytes:
        return json.dumps(obj, ensure_ascii=False).encode()

    out.write(b'{"generator": "Ravao", "exportedAt": ' + dump(iso(timezone.now())))
    out.write(b',\n"cases": [' + dump(_case_entry(case)) + b'],\n"contacts": [')
    events: dict[int, dict] = {}
    with tempfile.TemporaryFile() as relationships:
        first_contact = first_relationship = True
        for view in views:
            for vid, v in view.venues.items():
                events.setdefault(vid, _event(v))
            for c in view.contacts:
                out.write((b"" if first_contact else b",") + b"\n" + dump(_outbreak_contact(view, c)))
                first_contact = False
                for r in _relationships(view, c, case_ref):
                    relationships.write((b"" if first_relationship else b",") + b"\n" + dump(r))
                    first_relationship = False
        out.write(b'],\n"relationships": [')
        relationships.seek(0)
        shutil.copyfileobj(relationships, out)
    out.write(b'],\n"events": [' + b",\n".join(dump(e) for e in events.values()) + b"]}\n")


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}
SPOOL_BYTES = 8 * 1024 * 1024  # an export larger than this goes to a temporary file, not memory


@reading_from_replica()
def export_case(*, user, case, fmt: str, request=None, batch_size: int = 1000, **filters):
    """The file (an open binary file at its start, content type, file name), after writing the
    audit entries: every contact kept by ``filters`` (``selectors.contact_batches``' arguments),
    read and written in batches of ``batch_size`` so that memory stays bounded at F2."""
    fmt = fmt if fmt in FORMATS else "json"
    tally = {"contacts": 0, "foreign": {}}

    def views():
        for view in contact_batches(case=case, size=batch_size, **filters):
            tally["contacts"] += len(view.contacts)
            foreign_contacts(user=user, view=view, into=tally["foreign"])
            yield view

    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    if fmt == "csv":
        write_csv(out, views())
    elif fmt == "xlsx":
        write_xlsx(out, views())
    else:
        write_outbreak_json(out, case, views())
    audit_contacts(
        user=user,
        case=case,
        count=tally["contacts"],
        foreign=tally["foreign"],
        purpose=f"export {fmt}",
        request=request,
        action=Action.EXPORT,
        detail={"format": fmt},
    )
    out.seek(0)
    content_type, ext = FORMATS[fmt]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return out, content_type, f"ravao-case-{case.pk}-contacts-{stamp}.{ext}"
