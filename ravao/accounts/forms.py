from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ravao.accounts import phones, policy
from ravao.accounts.models import Role
from ravao.catalog.models import Sector
from ravao.core import ratelimit
from ravao.units.selectors import unit_resolve


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$")
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
    role = forms.ChoiceField(label=_("Role"))
    unit = forms.CharField(label=_("Unit (code or name)"), required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, to_field_name="code"
    )
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        allowed = policy.account_form_roles(actor)
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
    """Log-in with two limits counted by every worker and server together
    (``ratelimit.hit_shared``: Redis, else the database), in windows of
    RAVAO_LOGIN_LOCKOUT_MINUTES:

    * per user name **and** address: RAVAO_LOGIN_MAX_FAILURES failed tries, then that pair waits
      for the end of the window. Nobody can lock an official out from elsewhere: the official's
      own connection keeps its own count.
    * per address, whatever the user names (password spraying): RAVAO_LOGIN_ADDRESS_MAX_TRIES.

    Every try is counted before the password is checked, and a success forgets the pair's count:
    parallel guesses cannot all read "9 failures" and slip under the limit together. A phone
    number counts in one form whichever way it was typed."""

    PAIR = "login-fail"
    ADDRESS = "login-address"

    def _ident(self):
        typed = (self.data.get("username") or "").strip()
        return (phones.e164(typed) or typed.lower())[:150]

    def _address(self):
        return ratelimit.client_key(self.request) if self.request is not None else ""

    def clean(self):
        window = settings.RAVAO_LOGIN_LOCKOUT_MINUTES * 60
        minutes = {"minutes": settings.RAVAO_LOGIN_LOCKOUT_MINUTES}
        pair = f"{self._ident()}|{self._address()}"
        if ratelimit.hit_shared(self.ADDRESS, self._address(), window=window) > settings.RAVAO_LOGIN_ADDRESS_MAX_TRIES:
            raise forms.ValidationError(
                _("Too many log-in attempts from this connection. Wait %(minutes)d minutes and try again.") % minutes,
                code="throttled",
            )
        if ratelimit.hit_shared(self.PAIR, pair, window=window) > settings.RAVAO_LOGIN_MAX_FAILURES:
            raise forms.ValidationError(
                _("Too many failed log-ins for this account. Wait %(minutes)d minutes and try again.") % minutes,
                code="throttled",
            )
        cleaned = super().clean()  # a wrong password raises here: the try stays counted
        ratelimit.reset_shared(self.PAIR, pair, window=window)
        return cleaned
