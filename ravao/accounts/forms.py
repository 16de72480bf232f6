from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from ravao.accounts import policy
from ravao.accounts.models import Role
from ravao.catalog.models import Sector
from ravao.units.selectors import unit_resolve


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$")
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
    role = forms.ChoiceField(label=_("Role"))
    unit = forms.CharField(label=_("Unit (code or name)"), required=False)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all(), required=False, to_field_name="code")
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        allowed = policy.manageable_roles(actor)
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in allowed]
        self.fields["unit"].widget.attrs.update({"data-unit-picker": "1", "autocomplete": "off"})

    def clean_unit(self):
        text = self.cleaned_data["unit"]
        if not text:
            return None
        unit = unit_resolve(text, within=None if self.actor.is_national else self.actor.unit)
        if unit is None:
            raise forms.ValidationError(_("No single unit in your jurisdiction matches “%(text)s”.") % {"text": text})
        return unit


class ThrottledLoginForm(AuthenticationForm):
    """Log-in that refuses further tries for a while after repeated failures for one username
    (from any address) — guessing officials' passwords must not be cheap."""

    def _key(self):
        return "login-fail:" + (self.data.get("username") or "").strip().lower()[:150]

    def clean(self):
        failures = cache.get(self._key(), 0)
        if failures >= settings.RAVAO_LOGIN_MAX_FAILURES:
            raise forms.ValidationError(
                _("Too many failed log-ins for this account. Wait %(minutes)d minutes and try again.")
                % {"minutes": settings.RAVAO_LOGIN_LOCKOUT_MINUTES},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            cache.set(self._key(), failures + 1, settings.RAVAO_LOGIN_LOCKOUT_MINUTES * 60)
            raise
        cache.delete(self._key())
        return cleaned
