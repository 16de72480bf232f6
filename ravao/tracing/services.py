"""Tracing writes: opening and editing cases, follow-up of contacts, notifications, windows.

Pages, the API and the commands call these functions; reads are in ``selectors``.
"""

from datetime import date, datetime, time, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.core.dates import format_datetime
from ravao.core.errors import Conflict, NotFound, ServiceError
from ravao.core.sms import send_sms
from ravao.core.venuecodes import normalise_venue_code
from ravao.people.models import Person
from ravao.tracing import contacts as engine
from ravao.tracing.conf import buffer_minutes as default_buffer
from ravao.tracing.models import (
    Case,
    CaseStatus,
    ContactTrace,
    ExposureWindow,
    Notification,
    NotificationChannel,
)
from ravao.tracing.person_lookup import person_find
from ravao.venues.models import Venue

INFECTIOUS_DAYS_BEFORE = 2


def require_tracer(user):
    policy.require(user, "tracing.trace")


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def default_window(
    *, symptom_onset: date | None, test_date: date | None, isolated_at: datetime | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """Two days before symptom onset (or the test date), up to isolation (or now)."""
    now = now or timezone.now()
    start_day = symptom_onset or test_date or timezone.localdate(now)
    start = local_midnight(start_day) - timedelta(days=INFECTIOUS_DAYS_BEFORE)
    end = isolated_at or now
    return start, end


def _case_unit(person, user):
    """The person's unit when it lies in the tracer's jurisdiction, else the tracer's: the case
    must stay visible to whoever opened it (a visitor from another province)."""
    if person.unit_id is not None and (user.is_national or person.unit.path.startswith(user.unit.path)):
        return person.unit
    return user.unit


def _check_window(start: datetime, end: datetime):
    if end <= start:
        raise ServiceError(_("The infectious window must end after it starts."))


def _replayed(qs, owner_field: str, user, client_id):
    """The object already made with this client_id by this user (None if new); 409 if another
    user's."""
    if client_id is None:
        return None
    found = qs.filter(client_id=client_id).first()
    if found is not None and getattr(found, owner_field) != user.pk:
        raise Conflict(_("This client_id has already been used by another client."), code="client_id_taken")
    if found is not None:
        found.replayed = True
    return found


@transaction.atomic
def case_open(
    *,
    user,
    phone: str = "",
    id_number: str = "",
    symptom_onset: date | None = None,
    test_date: date | None = None,
    isolated_at: datetime | None = None,
    infectious_from: datetime | None = None,
    infectious_to: datetime | None = None,
    notes: str = "",
    client_id=None,
    request=None,
) -> Case:
    """Open a case for the person with this phone or ID number (keyed-hash lookup), who must live
    in or have visited the tracer's jurisdiction. The same ``client_id`` again returns the case
    it opened (``case.replayed`` is True); an open case of the person with an overlapping window
    is refused (409 with its id)."""
    require_tracer(user)
    replayed = _replayed(Case.objects.select_related("unit"), "created_by_id", user, client_id)
    if replayed is not None:
        return replayed
    person = person_find(phone=phone, id_number=id_number, user=user)
    start, end = default_window(symptom_onset=symptom_onset, test_date=test_date, isolated_at=isolated_at)
    start, end = infectious_from or start, infectious_to or end
    _check_window(start, end)
    # One opening at a time per person: the overlap check below then sees the other's case.
    Person.objects.select_for_update().filter(pk=person.pk).exists()
    existing = (
        Case.objects.filter(person=person, infectious_from__lt=end, infectious_to__gt=start)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("unit")
        .order_by("id")
        .first()
    )
    if existing is not None:
        raise Conflict(
            _(
                "This person already has an open case (#%(id)d, %(unit)s) whose infectious window overlaps "
                "this one: edit that case instead."
            )
            % {"id": existing.pk, "unit": existing.unit or "—"},
            code="case_exists",
            case_id=existing.pk,
        )
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person,
                unit=_case_unit(person, user),
                symptom_onset=symptom_onset,
                test_date=test_date,
                isolated_at=isolated_at,
                infectious_from=start,
                infectious_to=end,
                notes=notes,
                created_by=user,
                client_id=client_id,
            )
    except IntegrityError:
        replayed = _replayed(Case.objects.select_related("unit"), "created_by_id", user, client_id)
        if replayed is None:
            raise
        return replayed
    case.replayed = False
    audit_record(
        user=user,
        action=Action.CHANGE,
        object_type="case",
        object_id=case.pk,
        case_id=case.pk,
        purpose="open case",
        unit=case.unit,
        request=request,
    )
    return case


CASE_EDITABLE = ("symptom_onset", "test_date", "isolated_at", "infectious_from", "infectious_to", "status", "notes")


@transaction.atomic
def case_update(*, user, case: Case, request=None, **changes) -> Case:
    """Edit the window, dates, status or notes of a case the user may see."""
    require_tracer(user)
    unknown = set(changes) - set(CASE_EDITABLE)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "status" in changes and changes["status"] not in CaseStatus.values:
        raise ServiceError(_("Unknown case status."))
    for name, value in changes.items():
        setattr(case, name, value)
    _check_window(case.infectious_from, case.infectious_to)
    case.save()
    audit_record(
        user=user,
        action=Action.CHANGE,
        object_type="case",
        object_id=case.pk,
        case_id=case.pk,
        purpose="edit case",
        unit=case.unit,
        request=request,
        detail={"fields": sorted(changes)},
    )
    return case


MARKS = ("reached", "isolated", "tested")


@transaction.atomic
def contact_mark(
    *,
    user,
    case: Case,
    person_id: int,
    degree: int = 2,
    buffer_minutes: int | None = None,
    request=None,
    email: str | None = None,
    note: str | None = None,
    **marks: bool,
) -> ContactTrace:
    """Mark a contact as reached / isolated / tested (True sets the time, False clears it).

    The person must be a contact of the case (F1, or F2 when ``degree`` is 2) with this buffer
    (the list's), or already followed up for it; anyone else is a 404."""
    require_tracer(user)
    if set(marks) - set(MARKS):
        raise ServiceError(_("Unknown mark."))
    trace = ContactTrace.objects.select_for_update().filter(case=case, person_id=person_id).first()
    if trace is None:
        found = engine.contact_degree(
            case_person_id=case.person_id,
            window_from=case.infectious_from,
            window_to=case.infectious_to,
            person_id=person_id,
            degree=degree,
            buffer_minutes=default_buffer() if buffer_minutes is None else buffer_minutes,
        )
        if found is None:
            raise NotFound(_("This person is not a contact of this case."))
        trace, _created = ContactTrace.objects.get_or_create(case=case, person_id=person_id, defaults={"degree": found})
    now = timezone.now()
    for mark, on in marks.items():
        current = getattr(trace, f"{mark}_at")
        setattr(trace, f"{mark}_at", (current or now) if on else None)
    if email is not None:
        trace.email = email.strip()
    if note is not None:
        trace.note = note
    trace.updated_at, trace.updated_by = now, user
    trace.save()
    audit_record(
        user=user,
        action=Action.CHANGE,
        object_type="contact",
        object_id=person_id,
        case_id=case.pk,
        purpose="contact follow-up",
        unit=case.unit,
        request=request,
        detail={k: bool(v) for k, v in marks.items()},
    )
    return trace


def notification_text(*, venue_name: str, when: datetime) -> str:
    return _(
        "Ravao health service: you were at %(venue)s around %(when)s at the same time as a confirmed "
        "case. Please limit contacts, watch for symptoms and call your local health station."
    ) % {"venue": venue_name, "when": format_datetime(when)}


def notify_contacts(*, user, case: Case, views, request=None) -> dict:
    """Send one message per contact (SMS if a phone is known, else e-mail); never twice per case.

    ``views`` are the contact list in batches (``selectors.contact_batches``: each with its
    ``contacts`` — ``ravao.tracing.contacts.Contact`` —, and the ``venues`` and ``people`` they
    need), so that an F2 list of any length is sent with bounded memory. Returns counts by
    outcome; one audit entry with them.
    """
    require_tracer(user)
    counts = {"sent": 0, "already": 0, "unreachable": 0}
    for view in views:
        _notify_batch(user, case, view.contacts, view.venues, view.people, counts)
    audit_record(
        user=user,
        action=Action.NOTIFY,
        object_type="case",
        object_id=case.pk,
        case_id=case.pk,
        purpose="notify contacts",
        unit=case.unit,
        request=request,
        detail=counts,
    )
    return counts


def _messages(case: Case, contacts, venues: dict, people: dict):
    """Each contact with the message they would get: (contact, channel or None if unreachable,
    phone, e-mail, text)."""
    emails = dict(
        ContactTrace.objects.filter(case=case, person_id__in=[c.person_id for c in contacts]).values_list(
            "person_id", "email"
        )
    )
    for contact in contacts:
        person = people.get(contact.person_id)
        phone, email = (person.phone if person else ""), emails.get(contact.person_id) or ""
        if not phone and not email:
            yield contact, None, "", "", ""
            continue
        first = contact.exposures[0]
        text = notification_text(venue_name=venues[first.visit.venue_id]["name"], when=first.visit.checked_in_at)
        yield contact, (NotificationChannel.SMS if phone else NotificationChannel.EMAIL), phone, email, text


def notify_preview(*, user, case: Case, views) -> dict:
    """What ``notify_contacts`` would do with the same contacts, without sending or writing
    anything: how many SMS and e-mails, how many already notified or unreachable, and the
    first message's text (each differs only by the venue and time of the first exposure)."""
    require_tracer(user)
    done = set(Notification.objects.filter(case=case).values_list("person_id", flat=True))
    counts = {"sms": 0, "email": 0, "already": 0, "unreachable": 0, "text": ""}
    for view in views:
        for contact, channel, _phone, _email, text in _messages(case, view.contacts, view.venues, view.people):
            if channel is None:
                counts["unreachable"] += 1
            elif contact.person_id in done:
                counts["already"] += 1
            else:
                counts[channel] += 1
                counts["text"] = counts["text"] or text
    return counts


def _notify_batch(user, case: Case, contacts, venues: dict, people: dict, counts: dict):
    for contact, channel, phone, email, text in _messages(case, contacts, venues, people):
        if channel is None:
            counts["unreachable"] += 1
            continue
        try:
            # The row first: a crash after it may lose a message, never send one twice.
            with transaction.atomic():
                Notification.objects.create(case=case, person_id=contact.person_id, channel=channel, sent_by=user)
        except IntegrityError:
            counts["already"] += 1
            continue
        if channel == NotificationChannel.SMS:
            send_sms(phone, text)
        else:
            send_mail(_("Ravao: possible exposure"), text, None, [email])
        counts["sent"] += 1


def window_publish(
    *,
    user,
    venue_code: str,
    starts_at: datetime,
    ends_at: datetime,
    message: str = "",
    case: Case | None = None,
    client_id=None,
) -> ExposureWindow:
    """Publish a venue-time window for the public feed (the venue must be in the user's area).
    The same ``client_id`` again returns the window it published (``window.replayed``)."""
    require_tracer(user)
    replayed = _replayed(
        ExposureWindow.objects.select_related("venue", "venue__unit"), "published_by_id", user, client_id
    )
    if replayed is not None:
        return replayed
    venue = Venue.objects.restrict(user).filter(code=normalise_venue_code(venue_code)).first()
    if venue is None:
        raise NotFound(_("No venue with this code in your area."))
    if ends_at <= starts_at:
        raise ServiceError(_("The window must end after it starts."))
    try:
        with transaction.atomic():
            window = ExposureWindow.objects.create(
                venue=venue,
                starts_at=starts_at,
                ends_at=ends_at,
                message=message.strip()[:500],
                case=case,
                published_by=user,
                client_id=client_id,
            )
    except IntegrityError:
        replayed = _replayed(
            ExposureWindow.objects.select_related("venue", "venue__unit"), "published_by_id", user, client_id
        )
        if replayed is None:
            raise
        return replayed
    window.replayed = False
    return window


def window_withdraw(*, user, window_id: int) -> ExposureWindow:
    require_tracer(user)
    window = ExposureWindow.objects.restrict(user).filter(pk=window_id).first()
    if window is None:
        raise NotFound(_("No such exposure window."))
    if window.withdrawn_at is None:
        window.withdrawn_at = timezone.now()
        window.save(update_fields=["withdrawn_at"])
    return window
