from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ravao.accounts import policy
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
    """Log-in that refuses further tries for a while after repeated failures for one username
    (from any address) — guessing officials' passwords must not be cheap. Failures are counted
    by ravao/core/ratelimit.py in windows of RAVAO_LOGIN_LOCKOUT_MINUTES."""

    SCOPE = "login-fail"

    def _ident(self):
        return (self.data.get("username") or "").strip().lower()[:150]

    def clean(self):
        # Every try is counted before the password is checked, and a success forgets the count:
        # parallel guesses cannot all read "9 failures" and slip under the limit together.
        window = settings.RAVAO_LOGIN_LOCKOUT_MINUTES * 60
        if ratelimit.hit(self.SCOPE, self._ident(), window=window) > settings.RAVAO_LOGIN_MAX_FAILURES:
            raise forms.ValidationError(
                _("Too many failed log-ins for this account. Wait %(minutes)d minutes and try again.")
                % {"minutes": settings.RAVAO_LOGIN_LOCKOUT_MINUTES},
                code="throttled",
            )
        cleaned = super().clean()  # a wrong password raises here: the try stays counted
        ratelimit.reset(self.SCOPE, self._ident(), window=window)
        return cleaned
