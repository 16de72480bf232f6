"""Forms for the venue pages (validation of shapes only; rules live in services)."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from ravao.catalog.models import VenueType
from ravao.venues.selectors import unit_candidates


class KindSelect(forms.Select):
    """Each venue type's option says its kind (``data-kind``), for the form's script."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
        return option


class VenueTypeField(forms.ModelChoiceField):
    widget = KindSelect

    def label_from_instance(self, obj):
        return obj.name


# The fields of one kind of venue only (services.KIND_FIELDS is the rule; these are the form's).
EVENT_FIELDS = ("starts_at", "ends_at")
VEHICLE_FIELDS = ("plate", "operator", "route")


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Name of the venue"), max_length=200)
    venue_type = VenueTypeField(label=_("Type"), queryset=VenueType.objects.order_by("name_vi"))
    unit = forms.CharField(
        label=_("Commune or ward"),
        max_length=200,
        help_text=_("Type a few letters of the name, or the code, then choose."),
        widget=forms.TextInput(
            attrs={"list": "unit-options", "autocomplete": "off", "data-unit-picker": "1", "data-level": "commune"}
        ),
    )
    street = forms.CharField(label=_("Street address"), max_length=255, required=False)
    capacity = forms.IntegerField(label=_("Capacity (people)"), required=False, min_value=1)
    default_stay_minutes = forms.IntegerField(
        label=_("Usual length of stay (minutes)"),
        required=False,
        min_value=1,
        max_value=1440,
        help_text=_("Leave empty to use the usual stay for this type of venue."),
    )
    starts_at = forms.DateTimeField(
        label=_("Event starts"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Event ends"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    plate = forms.CharField(label=_("Vehicle plate or number"), max_length=32, required=False)
    operator = forms.CharField(label=_("Operator"), max_length=128, required=False)
    route = forms.CharField(label=_("Route"), max_length=255, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self.unit_choices = []
        super().__init__(*args, **kwargs)

    def chosen_kind(self) -> str:
        """The kind of the chosen venue type ("" while none is chosen): the form shows only
        that kind's fields (without JavaScript too, once the form comes back)."""
        if self.is_bound:
            try:
                vt = self.fields["venue_type"].clean(self.data.get(self.add_prefix("venue_type")))
            except forms.ValidationError:
                return ""
        else:
            vt = self.initial.get("venue_type")
        return vt.kind if isinstance(vt, VenueType) else ""

    def common_fields(self):
        return [f for f in self if f.name not in EVENT_FIELDS + VEHICLE_FIELDS]

    def event_fields(self):
        return [self[name] for name in EVENT_FIELDS]

    def vehicle_fields(self):
        return [self[name] for name in VEHICLE_FIELDS]

    def clean(self):
        """Fields of another kind are ignored (a form filled before the type was changed); the
        chosen kind's own fields are required, each marked where it is missing."""
        d = super().clean()
        kind = getattr(d.get("venue_type"), "kind", "")
        for name in EVENT_FIELDS if kind != "event" else ():
            d[name] = None
        for name in VEHICLE_FIELDS if kind != "vehicle" else ():
            d[name] = ""
        if kind == "event":
            for name in EVENT_FIELDS:
                if d.get(name) is None and name not in self.errors:
                    self.add_error(name, _("An event needs a start and an end."))
        if kind == "vehicle" and not (d.get("plate") or "").strip() and "plate" not in self.errors:
            self.add_error("plate", _("A vehicle needs its plate or number."))
        return d

    def clean_unit(self):
        text = self.cleaned_data["unit"]
        found = unit_candidates(text, user=self.user)
        if len(found) == 1:
            return found[0]
        self.unit_choices = found
        if not found:
            raise forms.ValidationError(_("No commune or ward matches “%(text)s”.") % {"text": text})
        raise forms.ValidationError(_("Several communes or wards match: choose one below."))

    def venue_fields(self) -> dict:
        """Keyword arguments for services.venue_register / venue_update."""
        d = self.cleaned_data
        return {
            "name": d["name"],
            "venue_type": d["venue_type"],
            "unit": d["unit"],
            "street": d["street"],
            "capacity": d["capacity"],
            "default_stay_minutes": d["default_stay_minutes"],
            "starts_at": d["starts_at"],
            "ends_at": d["ends_at"],
            "plate": d["plate"],
            "operator": d["operator"],
            "route": d["route"],
        }


class RegisterForm(VenueForm):
    contact_name = forms.CharField(label=_("Your full name"), max_length=128)
    phone = forms.CharField(
        label=_("Your mobile phone"), max_length=32, help_text=_("We send a one-time code to this number.")
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Your user name will be your phone number."),
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code received by SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class EntranceForm(forms.Form):
    name = forms.CharField(label=_("Entrance name"), max_length=100)


class TripForm(forms.Form):
    departs_at = forms.DateTimeField(label=_("Departure"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    arrives_at = forms.DateTimeField(label=_("Arrival"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    label = forms.CharField(label=_("Label (e.g. trip number)"), max_length=100, required=False)


class StaffForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("staff", _("Gate staff")), ("manager", _("Manager"))])


class InviteForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[("staff", _("Gate staff")), ("manager", _("Manager"))])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file"))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)
    keep_good = forms.BooleanField(
        label=_("Import the correct rows and give me the others in a file to fix"), required=False
    )
