"""Visits: one row per person per stay at a venue (check-in time + check-out time).

On PostgreSQL the table is partitioned by ``checked_in_at`` (see migration 0001 and
``ravao.checkins.partitions``); on SQLite it is a plain table. The primary key there is
(id, checked_in_at), so nothing may hold a foreign key *to* a visit: refer to visits by id.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet
from ravao.people.models import HealthStatus  # the one colour; check-in modules import it from here


class CheckoutMethod(models.TextChoices):
    AUTO = "auto", _("Automatic (default length of stay)")
    BUTTON = "button", _("Check-out button")
    SCAN = "scan", _("Exit scan")


class Channel(models.TextChoices):
    SELF = "self", _("Visitor self check-in")
    PERSONAL_QR = "personal_qr", _("Personal QR scanned at the gate")
    CCCD = "cccd", _("Chip ID card scanned at the gate")
    MANUAL = "manual", _("Phone or ID number typed at the gate")
    COMPANION = "companion", _("Companion of another visitor")
    IMPORT = "import", _("Imported (paper records, simulator)")


class VisitQuerySet(ScopedQuerySet):
    class Scope:
        unit = "venue__unit"
        sector = "venue__sector"
        venue = "venue"


class Visit(models.Model):
    """A stay. ``checked_out_at`` is always set: the automatic check-out time (check-in plus the
    venue's default stay) until a real check-out replaces it, so tracing needs no COALESCE."""

    id = models.BigAutoField(primary_key=True)
    venue = models.ForeignKey("venues.Venue", models.PROTECT, related_name="+", db_index=False)
    entrance = models.ForeignKey(
        "venues.Entrance", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    trip = models.ForeignKey("venues.Trip", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="+", db_index=False)
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"))
    checkout_method = models.CharField(max_length=8, choices=CheckoutMethod.choices, default=CheckoutMethod.AUTO)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=HealthStatus.choices, default=HealthStatus.UNDECLARED)
    # False: a visit claimed for a person already known by someone who proved nothing (a typed
    # ID number or phone on the public page). Kept and shown to tracers as such, filterable;
    # it never changes what gates show of the person (docs/identity.md). The database default
    # keeps the hot path's plain-SQL INSERT (recording.py) valid.
    proven = models.BooleanField(default=True, db_default=True)
    # The visitor who checked this companion in (a visit id, not a foreign key: see above).
    companion_of = models.BigIntegerField(null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        indexes = [
            # Covering (PostgreSQL): tracing's exposure probes read stays and people from the
            # index alone, without visiting the table (F2 ranking: 1.8x faster, docs/tracing.md).
            models.Index(
                fields=["venue", "checked_in_at"], name="visit_venue_in_idx", include=["checked_out_at", "person"]
            ),
            models.Index(fields=["person", "checked_in_at"], name="visit_person_in_idx"),
            models.Index(fields=["trip", "checked_in_at"], name="visit_trip_in_idx"),
        ]


class CheckinReplay(models.Model):
    """The answer already given to a ``client_id`` (idempotency of check-ins and scans).

    A plain table (not partitioned, no foreign key to a visit): a replayed request returns the
    stored body with status 200 and writes nothing. ``actor`` ties the id to who sent it
    ("public" or "user:<id>") so that nobody can read another client's answer by reusing its id.
    Rows older than the scan back-dating limit (72 h) plus a margin can be purged.
    """

    client_id = models.UUIDField(primary_key=True)
    actor = models.CharField(max_length=32)
    body = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("check-in replay")


class Outcome(models.TextChoices):
    """What a gate did with a red or yellow visitor when the venue's rule stops entry
    (ravao/health/rules.py). Recorded instead of a visit: the person did not go in."""

    REFUSED = "refused", _("Refused entry")
    REFERRED = "referred", _("Sent to the screening desk")


class GateOutcomeQuerySet(ScopedQuerySet):
    class Scope:
        unit = "venue__unit"
        sector = "venue__sector"
        venue = "venue"


class GateOutcome(models.Model):
    """A gate scan that did not let the person in: refused, or referred to a screening desk.
    Counted with the venue's day, audited, deleted with visits after the retention period."""

    venue = models.ForeignKey("venues.Venue", models.PROTECT, related_name="+")
    entrance = models.ForeignKey("venues.Entrance", models.SET_NULL, null=True, blank=True, related_name="+")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="+")
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    status = models.CharField(max_length=16, choices=HealthStatus.choices)
    reasons = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    recorded_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+")

    objects = GateOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate outcome")
        indexes = [models.Index(fields=["venue", "at"], name="gate_outcome_venue_at_idx")]
