"""The venue registry: places, events and vehicles that scan, with entrances, trips and staff."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet
from ravao.core.crypto import EncryptedTextField, lookup_hash
from ravao.core.text import fold_words
from ravao.core.venuecodes import CODE_ALPHABET, CODE_LENGTH


def new_public_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def natural_key_of(unit_id: int, name: str, street: str) -> str:
    """The duplicate detector: same unit, same folded name, same folded address."""
    return hashlib.sha256(f"{unit_id}|{fold_words(name)}|{fold_words(street)}".encode()).hexdigest()


class VenueStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class VenueQuerySet(ScopedQuerySet):
    class Scope:
        unit = "unit"
        sector = "sector"
        venue = "id"

    def open(self):
        return self.exclude(status=VenueStatus.CLOSED)


class Venue(models.Model):
    """A scan point: a fixed place, a temporary event or a vehicle (see ``venue_type.kind``)."""

    code = models.CharField(_("public code"), max_length=8, unique=True, default=new_public_code)
    name = models.CharField(_("name"), max_length=200)
    venue_type = models.ForeignKey("catalog.VenueType", models.PROTECT, related_name="+", verbose_name=_("type"))
    sector = models.ForeignKey("catalog.Sector", models.PROTECT, related_name="+", verbose_name=_("sector"))
    unit = models.ForeignKey("units.Unit", models.PROTECT, related_name="venues", verbose_name=_("unit"))
    street = models.CharField(_("street address"), max_length=255, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    default_stay_minutes = models.PositiveIntegerField(_("default length of stay (minutes)"))
    status = models.CharField(_("status"), max_length=16, choices=VenueStatus.choices, default=VenueStatus.ACTIVE)
    verified = models.BooleanField(_("verified"), default=False)
    # Bumped when the venue-level poster is revoked (entrances have their own version).
    code_version = models.PositiveIntegerField(_("poster version"), default=1)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    # Personal data for the many household businesses: encrypted at rest like people's fields.
    contact_name = EncryptedTextField(_("contact name"), max_length=128, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), max_length=32, blank=True)
    # Events: the time window in which check-ins are accepted (plus a grace period).
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    # Vehicles: plate or number, operator and route.
    plate = models.CharField(_("plate or number"), max_length=32, blank=True)
    operator = models.CharField(_("operator"), max_length=128, blank=True)
    route = models.CharField(_("route"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    # The structure it belongs to (an enterprise, an industrial zone, a transport operator…).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("organisation"),
    )
    # Natural key (unit + folded name + folded address, hashed): bulk imports and repeated
    # registrations find the existing venue instead of creating a duplicate.
    natural_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Folded (lower-case, accent-free) name, code and address: "cho dong ba" finds "Chợ Đông Ba".
    search_key = models.CharField(max_length=500, blank=True, editable=False)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        indexes = [models.Index(fields=["unit", "status"], name="venue_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def refresh_keys(self) -> None:
        self.natural_key = natural_key_of(self.unit_id, self.name, self.street)
        self.search_key = f"{fold_words(self.name)} {self.code.lower()} {fold_words(self.street)}"[:500]

    def save(self, *args, **kwargs):
        # Derived columns, kept in step on every save (bulk_create callers call refresh_keys).
        self.refresh_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "natural_key", "search_key"}
        super().save(*args, **kwargs)

    @property
    def kind(self) -> str:
        return self.venue_type.kind


class Entrance(models.Model):
    """A door, gate or counter with its own poster; all entrances count as the same venue."""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="entrances")
    name = models.CharField(_("name"), max_length=100)
    # Bumped when the poster is revoked: codes carrying an older version are "replaced".
    code_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("entrance")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Trip(models.Model):
    """One run of a vehicle: passengers of the same trip are told apart from other days'."""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="trips")
    departs_at = models.DateTimeField(_("departure"))
    arrives_at = models.DateTimeField(_("arrival"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("trip")
        indexes = [models.Index(fields=["venue", "departs_at"], name="trip_venue_departs_idx")]
        ordering = ["departs_at"]


class MembershipRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Gate staff")


class VenueMembership(models.Model):
    """Links a venue manager or gate staff account to a venue it works at.

    The role here is the account's role *at this venue*; it never changes the account's own
    role. An existing account is only invited (``invited_role`` set): the link takes effect
    when its holder accepts (``venues/staff.py``); until then ``active`` keeps its old value
    (False for a new link, True for a member invited to another role)."""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="venue_memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices, default=MembershipRole.STAFF)
    active = models.BooleanField(default=True)
    invited_role = models.CharField(max_length=16, choices=MembershipRole.choices, blank=True, default="")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    invited_at = models.DateTimeField(null=True, blank=True)

    @property
    def pending(self) -> bool:
        return bool(self.invited_role)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "user"], name="venue_membership_unique")]


class PhoneOTP(models.Model):
    """A one-time code sent by SMS to prove a phone number (self-registration of venues).

    Only a keyed hash of the code is stored; it expires, and a few wrong tries burn it. The phone
    is never stored in clear: a keyed hash finds a number's codes (its own domain, so it cannot
    be joined to people's phone hashes) and the ciphertext gives the number back to the
    registration it proves."""

    phone_hash = models.CharField(max_length=64, db_index=True)  # hash_phone(E.164)
    phone_encrypted = EncryptedTextField(max_length=32)  # E.164
    purpose = models.CharField(max_length=32, default="venue_register")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # The account this code proved the phone of (self-registration): an account's verified
    # phone is one of its used codes' phone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("one-time code")

    @staticmethod
    def hash_phone(e164: str) -> str:
        return lookup_hash(f"otp-phone|{e164}")

    @property
    def phone(self) -> str:
        """The number (E.164), decrypted."""
        return self.phone_encrypted

    @phone.setter
    def phone(self, e164: str) -> None:
        self.phone_encrypted, self.phone_hash = e164, self.hash_phone(e164)
