"""People who check in. Personal fields are encrypted at rest; phones and ID numbers are also
kept as keyed hashes so that the same person is found whichever way they check in."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet
from ravao.core.crypto import EncryptedTextField


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Person(models.Model):
    """One person, however they check in (self check-in, ID card, personal QR, typed number)."""

    full_name = EncryptedTextField(_("full name"))
    phone = EncryptedTextField(_("phone"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    birth_date = EncryptedTextField(_("birth date"), blank=True)
    street = EncryptedTextField(_("street address"), blank=True)
    # Not secret on their own and needed for statistics and the gate's feedback.
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="VN")
    unit = models.ForeignKey("units.Unit", models.SET_NULL, null=True, blank=True, related_name="+")
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Keyed hash of phone and folded name: a person without an ID number is one person per
    # phone and name (families share phones), enforced by the database (docs/identity.md).
    phone_name_hash = models.CharField(max_length=64, blank=True, default="", db_default="")
    # A companion (child, elderly relative) checked in by this person, without phone or ID.
    guardian = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="companions")
    # Bumped when the personal QR is revoked: codes carrying an older version are refused.
    qr_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # One person per identity even when check-ins race: find-or-create inserts with
        # ON CONFLICT DO NOTHING and reads back the row that won (people/services.py).
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], condition=~models.Q(id_hash=""), name="person_one_per_id"),
            models.UniqueConstraint(
                fields=["phone_name_hash"],
                condition=models.Q(id_hash="") & ~models.Q(phone_name_hash=""),
                name="person_one_per_phone_and_name",
            ),
        ]

    def __str__(self) -> str:
        return f"Person #{self.pk}"


class HealthStatus(models.TextChoices):
    """The one health colour: what a declaration gives, what a visit records, what the visitor
    and the gate are shown. ``undeclared``: no valid declaration (visits only)."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    UNDECLARED = "undeclared", _("Undeclared")


# A declaration always gives a colour: every status but "undeclared".
DECLARED_CHOICES = [(value, label) for value, label in HealthStatus.choices if value != HealthStatus.UNDECLARED]


class Questionnaire(models.Model):
    """One version of the health declaration form, stored as data so that a new version is a
    row published by an administrator, not a deployment. Never changed once published.

    ``fields`` and ``rules``: the format of ravao/people/formspec.py (field types, required
    flags, colour rules with reason codes). ``valid_hours``: how long a declaration counts.
    """

    version = models.SlugField(_("version"), max_length=40, unique=True)
    title = models.JSONField(_("title"), default=dict)
    fields = models.JSONField(_("fields"), default=list)
    rules = models.JSONField(_("rules"), default=list)
    default_status = models.CharField(max_length=8, choices=DECLARED_CHOICES, default=HealthStatus.GREEN)
    valid_hours = models.PositiveSmallIntegerField(_("valid for (hours)"), default=24)
    # The version that new declarations use (one at a time).
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("health declaration form")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="form_one_current")
        ]

    def __str__(self) -> str:
        return self.version

    def as_form(self) -> dict:
        """The version as formspec's functions read it (and an administrator edits it)."""
        return {
            "version": self.version,
            "title": self.title,
            "valid_hours": self.valid_hours,
            "default_status": self.default_status,
            "fields": self.fields,
            "rules": self.rules,
        }


class DeclarationQuerySet(ScopedQuerySet):
    class Scope:
        # The declarant's home unit; declarations are the health sector's (its officials see them).
        unit = "person__unit"
        sector_code = "health"


class Declaration(models.Model):
    """A health declaration: the answers (encrypted), the status they gave, and until when it
    counts. Staff may record one on a person's behalf (``recorded_by``)."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="declarations")
    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="+")
    answers = EncryptedTextField(_("answers"))
    status = models.CharField(_("status"), max_length=8, choices=DECLARED_CHOICES)
    # Why that colour: the reason codes of the version's rules that gave it, comma-separated
    # ("contact_symptomatic"); what gates and tracers are told (formspec.colour_of).
    reasons = models.CharField(_("reasons"), max_length=200, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"))
    recorded_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+")
    # Made by a proven holder (the person's own device or personal QR, staff who saw the card,
    # or with the check-in that created the person). An unproven declaration is kept as a
    # claim for tracers and never gives the colour others see (docs/identity.md).
    proven = models.BooleanField(_("proven"), default=True, db_default=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("health declaration")
        indexes = [models.Index(fields=["person", "-created_at"], name="declaration_person_idx")]
