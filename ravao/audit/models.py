"""The audit log: an append-only record of who read, exported or changed personal data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet


class Action(models.TextChoices):
    READ = "read", _("Read")
    EXPORT = "export", _("Export")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    NOTIFY = "notify", _("Notify")


class AuditQuerySet(ScopedQuerySet):
    class Scope:
        unit = "unit"

    def update(self, **kwargs):
        raise PermissionError("Audit entries are append-only.")

    def delete(self):
        raise PermissionError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """One access to personal data. Written by ``ravao.audit.services.audit_record`` only."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    username = models.CharField(_("user"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    # The unit whose data was read (for scoping auditors); empty: national.
    unit = models.ForeignKey("units.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only.")
