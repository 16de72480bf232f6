"""Contact tracing: cases (F0), the tracer's follow-up of each contact, notifications sent,
and the venue-time exposure windows published for everyone to check on their own device.

Contacts themselves are not stored: they are computed from visits on request (see
``ravao.tracing.contacts`` and docs/tracing.md), so they always reflect the latest check-outs.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet
from ravao.core.crypto import EncryptedTextField
from ravao.tracing.conf import exposure_window_days


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open (tracing)")
    TRACED = "traced", _("Contacts traced")
    CLOSED = "closed", _("Closed")


class CaseQuerySet(ScopedQuerySet):
    class Scope:
        unit = "unit"


class Case(models.Model):
    """A confirmed case (F0) and the window in which it may have infected others."""

    person = models.ForeignKey("people.Person", models.CASCADE, related_name="+", verbose_name=_("person"))
    # The person's unit when known, else the tracer's (docs/tracing.md, "Jurisdiction").
    unit = models.ForeignKey(
        "units.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    symptom_onset = models.DateField(_("symptom onset"), null=True, blank=True)
    test_date = models.DateField(_("test date"), null=True, blank=True)
    isolated_at = models.DateTimeField(_("isolated at"), null=True, blank=True)
    infectious_from = models.DateTimeField(_("infectious from"))
    infectious_to = models.DateTimeField(_("infectious to"))
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    # Made by the API client: a retried POST with the same one answers this case, creates nothing.
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(infectious_to__gt=models.F("infectious_from")), name="case_window_positive"
            )
        ]

    def __str__(self) -> str:
        return f"F0 #{self.pk}"


class ContactTraceQuerySet(ScopedQuerySet):
    class Scope:
        unit = "case__unit"


class ContactTrace(models.Model):
    """The tracer's follow-up of one contact of one case: reached, isolated, tested."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="traces")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="+")
    degree = models.PositiveSmallIntegerField(default=1)
    reached_at = models.DateTimeField(_("reached"), null=True, blank=True)
    isolated_at = models.DateTimeField(_("isolated"), null=True, blank=True)
    tested_at = models.DateTimeField(_("tested"), null=True, blank=True)
    # Learnt on the phone; people are not asked for an e-mail address at check-in.
    email = EncryptedTextField(_("e-mail"), blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ContactTraceQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact follow-up")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="contact_trace_unique")]


class NotificationChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Notification(models.Model):
    """One message sent to a contact about a case: at most one per contact per case."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="notifications")
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("notification")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="notification_once_per_contact")]


class ExposureWindowQuerySet(ScopedQuerySet):
    class Scope:
        unit = "venue__unit"
        sector = "venue__sector"

    def current(self, now=None):
        """Published, not withdrawn, and recent enough that a visit then still matters."""
        now = now or timezone.now()
        since = now - timedelta(days=exposure_window_days())
        return self.filter(withdrawn_at__isnull=True, ends_at__gt=since, starts_at__lte=now)


class ExposureWindow(models.Model):
    """A venue and a time span during which visitors may have been exposed (public, anonymous)."""

    venue = models.ForeignKey("venues.Venue", models.CASCADE, related_name="+", verbose_name=_("venue"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    message = models.CharField(_("message"), max_length=500, blank=True)
    # Which case led to it: for the tracer only, never published.
    case = models.ForeignKey(Case, models.SET_NULL, null=True, blank=True, related_name="windows")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True)  # idempotent API retries

    objects = ExposureWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("exposure window")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["ends_at"], name="exposure_window_ends_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="exposure_window_positive"
            )
        ]
