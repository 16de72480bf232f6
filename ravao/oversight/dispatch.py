"""Scheduled progress reports: each unit's report e-mailed to the officials of the level above.

``ravao sendreports`` (or ``ravao rollup --loop 60 --reports``) sends, for the last complete
period, one e-mail per unit with venues or targets to the active officials (with an e-mail
address) of its parent unit; a province's report goes to the national administrators. A
ReportDispatch row per unit and period makes re-runs harmless.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import Role, User
from ravao.oversight import selectors
from ravao.oversight.models import ReportDispatch, UnitStock
from ravao.oversight.reportdoc import vn_date
from ravao.oversight.reports import report_build
from ravao.units.models import Unit


def system_user() -> User:
    """A national, unsaved user for jobs and commands that act for the whole country."""
    return User(username="system", role=Role.NATIONAL_ADMIN, is_active=True)


def last_period(*, today: date, days: int = 7) -> tuple[date, date]:
    """The last complete period: for 7 days, the last full week Monday–Sunday (so that a job
    running every minute sends each week once); otherwise the ``days`` days ending yesterday."""
    last = today - timedelta(days=1)
    if days == 7:
        last = today - timedelta(days=today.isoweekday())  # the Sunday before today
    return last - timedelta(days=days - 1), last


def recipients(unit: Unit):
    """The officials of the level above the unit: its parent's, or the country's for a province."""
    national = not unit.parent_id
    above = User.objects.filter(role__in=policy.report_recipient_roles(national=national))
    if not national:
        above = above.filter(unit=unit.parent)
    return above.filter(is_active=True).exclude(email="").order_by("pk")


def send_reports(*, today: date, days: int = 7, fmt: str = "pdf") -> int:
    """E-mail the reports of the last complete period; returns how many e-mails were sent."""
    first, last = last_period(today=today, days=days)
    user = system_user()
    unit_ids = UnitStock.objects.filter(sector__isnull=True, unit__isnull=False).values_list("unit_id", flat=True)
    done = set(ReportDispatch.objects.filter(period_start=first, period_end=last).values_list("unit_id", flat=True))
    sent = 0
    for unit in Unit.objects.filter(pk__in=unit_ids).exclude(pk__in=done).select_related("parent").order_by("path"):
        officials = list(recipients(unit))
        if not officials:
            continue
        try:
            with transaction.atomic():
                ReportDispatch.objects.create(
                    unit=unit, period_start=first, period_end=last, recipients=", ".join(o.email for o in officials)
                )
                by_language = {}
                for o in officials:
                    by_language.setdefault(o.language or settings.LANGUAGE_CODE, []).append(o.email)
                for language, emails in by_language.items():
                    scope = selectors.Scope(unit=unit, sector=None, first=first, last=last, generation=unit.generation)
                    content, ctype, name = report_build(user=user, scope=scope, fmt=fmt, language=language)
                    with translation.override(language):
                        subject = _("Ravao progress report: %(unit)s, %(first)s to %(last)s") % {
                            "unit": unit.name,
                            "first": vn_date(first),
                            "last": vn_date(last),
                        }
                        body = _("The progress report of %(unit)s is attached.") % {"unit": unit.name}
                    mail = EmailMessage(subject, body, to=emails)
                    mail.attach(name, content, ctype)
                    mail.send()
                    sent += 1
        except IntegrityError:
            continue  # already sent for this period
    return sent
