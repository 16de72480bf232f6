"""What contacts are told, and PC-Covid's automatic warnings (docs/tracing.md, "Warnings").

* F1 (was there with the case) and F2 (was there with an F1) get different messages, each with
  what to do and the hotline of the case's province (ravao/health/rules.py);
* a province that turned ``auto_warnings`` on has each new case's venues and times (± the
  province's margin, 60 minutes by default) published at once in the public exposure feed,
  which visitors' phones compare with the visits they keep, and its F1 and F2 contacts messaged;
* each person is messaged at most once per case (``Notification``'s unique constraint), however
  often this runs.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.checkins.models import Visit
from ravao.health import rules as colour_rules
from ravao.tracing.models import Case, ExposureWindow


def notification_text(*, degree: int, venue_name: str, when: datetime, hotline: str) -> str:
    """The SMS (or e-mail) to a contact: F1 and F2 are told different things."""
    values = {"venue": venue_name, "when": timezone.localtime(when).strftime("%d/%m/%Y %H:%M"), "hotline": hotline}
    if degree == 1:
        return (
            _(
                "Ravao health service: you were at %(venue)s around %(when)s at the same time as a confirmed case "
                "(F0). You are a close contact (F1): stay at home, keep away from others, wear a mask and call "
                "%(hotline)s now to be told where to be tested."
            )
            % values
        )
    return (
        _(
            "Ravao health service: you were at %(venue)s around %(when)s at the same time as a close contact (F1) "
            "of a confirmed case. Limit your contacts, wear a mask and watch your health for 14 days; if you have "
            "fever, cough or difficulty breathing, call %(hotline)s."
        )
        % values
    )


def hotline_for(case: Case) -> str:
    return colour_rules.contact_for(case.unit_id).hotline or colour_rules.DEFAULT_HOTLINE


def auto_window_message() -> str:
    return _(
        "A confirmed case (F0) was here. If you were here at this time, watch your health for 14 days and call "
        "the health hotline."
    )


def publish_case_windows(*, user, case: Case, margin_minutes: int) -> list[ExposureWindow]:
    """One public window per venue visit of the case in its infectious window (± the margin).
    Idempotent: a window already published for the case, venue and span is not published again."""
    margin = timedelta(minutes=margin_minutes)
    visits = Visit.objects.filter(
        person_id=case.person_id,
        proven=True,
        checked_in_at__gte=case.infectious_from - timedelta(hours=24),
        checked_in_at__lte=case.infectious_to,
        checked_out_at__gt=case.infectious_from,
    ).order_by("checked_in_at")
    message = auto_window_message()
    windows = []
    for visit in visits:
        window, _created = ExposureWindow.objects.get_or_create(
            case=case,
            venue_id=visit.venue_id,
            starts_at=visit.checked_in_at - margin,
            ends_at=visit.checked_out_at + margin,
            defaults={"message": message, "published_by": user},
        )
        windows.append(window)
    return windows


def auto_warn(*, user, case: Case, request=None) -> dict | None:
    """If the case's province turned automatic warnings on: publish its windows and message its
    F1 and F2 contacts (once per person per case). Returns the counts, or None when off."""
    from ravao.tracing import selectors, services

    settings = colour_rules.auto_warnings(case.unit_id)
    if settings is None:
        return None
    margin = settings.warning_margin_minutes
    windows = publish_case_windows(user=user, case=case, margin_minutes=margin)
    views = selectors.contact_batches(case=case, degree=2, buffer_minutes=margin)
    counts = services.notify_contacts(user=user, case=case, views=views, request=request)
    return {**counts, "windows": len(windows)}
