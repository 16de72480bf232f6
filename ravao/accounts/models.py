"""Accounts: one user model with a role and a jurisdiction (a unit, and a sector where it applies)."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.core.crypto import EncryptedTextField


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    DISTRICT_OFFICIAL = "district_official", _("District official")
    COMMUNE_OFFICIAL = "commune_official", _("Commune official")
    SECTOR_OFFICIAL = "sector_official", _("Sector official")
    CANVASSER = "org_canvasser", _("Canvasser (mass organisation)")
    TRACER = "tracer", _("Health tracer")
    AUDITOR = "auditor", _("Auditor")
    VENUE_MANAGER = "venue_manager", _("Venue manager")
    GATE_STAFF = "gate_staff", _("Gate staff")


class UserQuerySet(models.QuerySet):
    def restrict(self, user):
        """Accounts ``user`` may see: those whose jurisdiction lies within theirs."""
        from ravao.accounts.scoping import scope_q

        if user is not None and user.is_authenticated and user.is_national:
            return self
        return self.filter(scope_q(user, unit="unit", sector="sector", venue="venue_memberships__venue")).distinct()


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in: an official, a tracer, an auditor, a venue manager or gate staff.

    ``unit`` is the jurisdiction (empty: the whole country, for national roles); ``sector``
    narrows a sector official to one sector within that unit. A superuser acts as a national
    administrator whatever its role field says.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VENUE_MANAGER)
    unit = models.ForeignKey(
        "units.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("jurisdiction")
    )
    sector = models.ForeignKey(
        "catalog.Sector", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sector")
    )
    # The phone (E.164) encrypted, and its keyed hash, by which a venue owner logs in with the
    # phone in any common form (ravao/accounts/backends.py): never a user name in clear.
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # A temporary password set by the official above (ravao/signin): changed at the next log-in.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = UserManager()

    def save(self, *args, **kwargs):
        from ravao.accounts import phones

        self.phone_hash = (phones.hash_of_typed(self.phone) or "") if self.phone else ""
        if kwargs.get("update_fields") is not None and "phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "phone_hash"}
        super().save(*args, **kwargs)

    @property
    def effective_role(self) -> str:
        return Role.NATIONAL_ADMIN if self.is_superuser else self.role

    @property
    def is_national(self) -> bool:
        from ravao.accounts import policy  # the policy module imports Role from here

        return policy.is_national(self)


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is stored; revoked tokens stay listed."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple["ApiToken", str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = "rv_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:10], digest=cls.hash(raw))
        return token, raw


class DeviceKey(models.Model):
    """A gate phone's public key, enrolled while online by the account using it. Scans the
    phone queued offline are signed with the private key, which never leaves the phone: what
    lets the server accept a scan dated minutes or hours back (docs/identity.md)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="device_keys")
    public_key = models.TextField()  # SubjectPublicKeyInfo (DER), base64: an ECDSA P-256 key
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gate device key")
