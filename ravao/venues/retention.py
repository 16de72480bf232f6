"""Retention of SMS codes: a step of ``ravao purge`` (ravao/core/retention.py)."""

from ravao.core import retention
from ravao.core.retention import PurgeContext, PurgeReport
from ravao.venues.models import PhoneOTP


def purge_codes(ctx: PurgeContext, report: PurgeReport) -> int:
    """SMS codes older than the cutoff that proved no account (used ones are the account's
    proof of its phone and go with the account)."""
    return PhoneOTP.objects.using(ctx.using).filter(created_at__lt=ctx.cutoff, user__isnull=True).delete()[0]


def register() -> None:
    retention.register("SMS_codes", order=60, run=purge_codes)
