"""The JSON answers of the check-in API (docs/api-checkins.md), made from the services' results
(ravao/checkins/results.py).

A check-in's answer is made once, inside its transaction: ``replay.once`` keeps it for the
``client_id`` (``kept_checkin`` / ``kept_scan``) and hands it back as ``result.answer``, which the
API answers; a duplicate gets the kept one, byte for byte, restored into a result
(``replayed_checkin`` / ``replayed_scan``) so that pages and ``ravao scan`` read a replay like
any other outcome. The holder link is a bearer secret and is never kept, only whether it was
given (``HOLDER_FLAG``): ``checkin_answer`` adds this request's link.
"""

from datetime import UTC, datetime

from ravao.checkins.models import Visit
from ravao.checkins.recording import receipt_for
from ravao.checkins.results import CheckinResult, DeclarationResult, Shown
from ravao.venues.models import Venue

HOLDER_FLAG = "holder_given"  # kept in the replay body, never answered: the QR version, or False


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def visit_json(visit: Visit, venue, receipt: str | None = None) -> dict:
    body = {
        "id": visit.id,
        "status": visit.status,
        "venue": {"code": venue.code, "name": venue.name},
        "entrance": visit.entrance_id,
        "trip": visit.trip_id,
        "channel": visit.channel,
        "checked_in_at": iso(visit.checked_in_at),
        "checked_out_at": iso(visit.checked_out_at),
        "checkout_method": visit.checkout_method,
    }
    if receipt is not None:
        body["receipt"] = receipt
    return body


def _person(shown: Shown) -> dict:
    return {"masked_name": shown.masked_name, "birth_year": shown.birth_year}


# --- made once, kept for the client_id ------------------------------------------------------


def kept_checkin(result: CheckinResult) -> dict:
    """A self check-in's answer as kept for its client_id: without the holder link."""
    body = visit_json(result.visit, result.venue, result.receipt)
    body.update(
        repeat=result.repeat,
        person=_person(result.person),
        companions=[
            {**visit_json(c.visit, c.venue, c.receipt), "repeat": c.repeat, "person": _person(c.person)}
            for c in result.companions
        ],
    )
    body["advice"] = result.advice.as_json() if result.advice is not None else None
    body[HOLDER_FLAG] = result.holder_version if result.own else False
    return body


def kept_scan(result: CheckinResult) -> dict:
    """A gate scan's answer (kept as it is answered)."""
    body = visit_json(result.visit, result.venue)
    body.update(
        direction=result.direction,
        repeat=result.repeat,
        already_inside=result.already_inside,
        person=_person(result.person),
        # "entered", or "refused" / "referred" by the venue's rule for the colour (no visit: id null).
        outcome=result.outcome,
        advice=result.advice.as_json() if result.advice is not None else None,
    )
    return body


# --- what the API answers -------------------------------------------------------------------


def status_code(result: CheckinResult) -> int:
    """201 for a new visit; 200 for a repeat, an exit or a replayed client_id."""
    return 201 if result.is_new else 200


def checkin_answer(result: CheckinResult) -> dict:
    body = {k: v for k, v in result.answer.items() if k != HOLDER_FLAG}
    body["holder"] = result.holder
    return body


def scan_answer(result: CheckinResult) -> dict:
    return result.answer


def enrol_answer(done) -> dict:
    """A gate enrolment's answer: the scan's, whether the person is new, and (new only) the link
    to print their wallet card (made for this request, never kept for a replay)."""
    from django.urls import reverse

    card = reverse("people:card_print", kwargs={"token": done.card}) if done.card else ""
    return {**done.result.answer, "created": done.created, "card": card}


def checkout_answer(visit: Visit) -> dict:
    return visit_json(visit, visit.venue, receipt_for(visit.id, visit.checked_in_at))


def declaration_answer(result: DeclarationResult) -> dict:
    body = visit_json(result.visit, result.venue)
    body.update(person=_person(result.person), valid_until=iso(result.valid_until))
    return body


# --- a kept answer back into a result (replays) -------------------------------------------------


def _restored(body: dict, **extra) -> CheckinResult:
    visit = Visit(
        id=body["id"],
        status=body["status"],
        entrance_id=body["entrance"],
        trip_id=body["trip"],
        channel=body["channel"],
        checked_in_at=datetime.fromisoformat(body["checked_in_at"]),
        checked_out_at=datetime.fromisoformat(body["checked_out_at"]),
        checkout_method=body["checkout_method"],
    )
    return CheckinResult(
        visit=visit,
        venue=Venue(code=body["venue"]["code"], name=body["venue"]["name"]),
        person=Shown(**body["person"]),
        repeat=body["repeat"],
        receipt=body.get("receipt", ""),
        replayed=True,
        **extra,
    )


def replayed_checkin(body: dict) -> CheckinResult:
    given = body.get(HOLDER_FLAG, False)
    # Answers kept before the version was: True (their link is not given again: see services).
    version = given if isinstance(given, int) and not isinstance(given, bool) else 0
    return _restored(
        body,
        own=bool(given),
        holder_version=version,
        answer=body,
        companions=tuple(_restored(c) for c in body.get("companions", ())),
    )


def replayed_scan(body: dict) -> CheckinResult:
    return _restored(body, direction=body.get("direction", "in"), outcome=body.get("outcome", "entered"), answer=body)
