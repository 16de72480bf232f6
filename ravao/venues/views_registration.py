"""The public self-registration of a venue: the form, then the SMS code, then the poster.

Between the two steps the form waits in the session; the contact's phone and name are kept
there encrypted (``core.crypto``), never in clear in the session store (issue 15)."""

from cryptography.fernet import InvalidToken
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.hashers import make_password
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ravao.catalog.models import VenueType
from ravao.core import ratelimit
from ravao.core.crypto import decrypt, encrypt
from ravao.core.errors import ServiceError
from ravao.units.models import Unit
from ravao.venues import registration, services
from ravao.venues.forms import CodeForm, RegisterForm

SESSION_KEY = "venue_registration"
DATE_FIELDS = ("starts_at", "ends_at")


def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.venue_fields()
        try:
            phone = registration.phone_e164(form.cleaned_data["phone"])
            services.venue_validate(**fields)
            otp = registration.otp_send(phone=phone, client=ratelimit.client_key(request))
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            pending = {k: v for k, v in fields.items() if k not in ("venue_type", "unit") and k not in DATE_FIELDS}
            pending.update(
                {k: fields[k].isoformat() if fields[k] else None for k in DATE_FIELDS},
                venue_type=fields["venue_type"].pk,
                unit=fields["unit"].pk,
                otp=otp.pk,
                phone=encrypt(phone),
                contact_name=encrypt(form.cleaned_data["contact_name"] or ""),
                password_hash=make_password(form.cleaned_data["password"]),
            )
            request.session[SESSION_KEY] = pending
            return redirect("venues:register_confirm")
    return render(request, "venues/register.html", {"form": form})


def register_confirm(request):
    pending = request.session.get(SESSION_KEY)
    try:
        phone = decrypt(pending["phone"]) if pending else ""
    except (InvalidToken, KeyError, TypeError):  # a form kept before the keys changed: start again
        phone = ""
    if not phone:
        request.session.pop(SESSION_KEY, None)
        return redirect("venues:register")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        try:
            pending["otp"] = registration.otp_send(phone=phone, client=ratelimit.client_key(request)).pk
            request.session[SESSION_KEY] = pending
            messages.success(request, _("A new code has been sent."))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("venues:register_confirm")
    if request.method == "POST" and form.is_valid():
        try:
            # Checked now, used up only with the registration (a failed one keeps the code).
            otp = registration.otp_verify(otp_id=pending["otp"], code=form.cleaned_data["code"], consume=False)
            from django.utils.dateparse import parse_datetime

            fields = {
                k: v
                for k, v in pending.items()
                if k not in ("otp", "phone", "contact_name", "password_hash", "venue_type", "unit", *DATE_FIELDS)
            }
            user, venue = registration.venue_self_register(
                otp=otp,
                contact_name=decrypt(pending["contact_name"]),
                password_hash=pending["password_hash"],
                venue_type=VenueType.objects.get(pk=pending["venue_type"]),
                unit=Unit.objects.get(pk=pending["unit"]),
                **{k: parse_datetime(pending[k]) if pending[k] else None for k in DATE_FIELDS},
                **fields,
            )
        except ServiceError as exc:
            form.add_error("code", exc.message)
        else:
            del request.session[SESSION_KEY]
            login(request, user, backend="ravao.accounts.backends.UsernameOrPhoneBackend")
            messages.success(
                request,
                _(
                    "Your venue is registered. Print the poster and put it at the entrance. Your user name is "
                    "%(username)s."
                )
                % {"username": user.username},
            )
            return redirect("venues:detail", code=venue.code)
    masked = phone[:4] + "•" * len(phone[4:-4]) + phone[-4:]
    return render(request, "venues/register_confirm.html", {"form": form, "phone": masked})
