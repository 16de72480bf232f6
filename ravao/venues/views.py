"""Venue pages for managers, staff and officials: my venues, one venue, its posters and actions.

Thin: forms check shapes, selectors decide who sees what, services do the writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ravao.accounts import policy
from ravao.codes.signing import venue_qr_url
from ravao.core.confirm import confirmation, confirmed
from ravao.core.errors import ServiceError
from ravao.venues import posters, services, staff
from ravao.venues.forms import EntranceForm, InviteForm, StaffForm, TripForm, VenueForm
from ravao.venues.models import VenueStatus
from ravao.venues.selectors import membership_role, my_venues, venue_get


def _venue_or_404(request, code):
    try:
        return venue_get(user=request.user, code=code)
    except ServiceError as exc:
        raise Http404(exc.message) from exc


@login_required
def mine(request):
    """A manager's or gate staff member's venues."""
    venues = my_venues(request.user)
    return render(
        request, "venues/mine.html", {"venues": venues, "can_register": policy.can(request.user, "venue.register_own")}
    )


@login_required
def detail(request, code):
    venue = _venue_or_404(request, code)
    can_manage = policy.can(request.user, "venue.change", venue)
    context = {
        "venue": venue,
        "can_manage": can_manage,
        "can_verify": policy.can(request.user, "venue.verify", venue),
        "can_suspend": policy.can(request.user, "venue.suspend", venue),
        "my_role": membership_role(request.user, venue),
        "qr_url": venue_qr_url(venue=venue),
        "entrances": list(venue.entrances.all()),
        "sizes": list(posters.SIZES),
        "statuses": VenueStatus,
    }
    if can_manage:
        context["members"] = venue.memberships.select_related("user").order_by("-active", "role", "user__username")
        context.update(entrance_form=EntranceForm(), staff_form=StaffForm(), invite_form=InviteForm(prefix="invite"))
        if venue.venue_type.kind == "vehicle":
            context.update(trips=venue.trips.order_by("-departs_at")[:50], trip_form=TripForm())
    return render(request, "venues/detail.html", context)


@login_required
def poster(request, code, fmt):
    """Download one poster: ?size=A4|A5, ?entrance=id (same renderer as the API and CLI)."""
    venue = _venue_or_404(request, code)
    if fmt not in posters.FORMATS:
        raise Http404
    entrance = None
    if request.GET.get("entrance"):
        entrance = venue.entrances.filter(pk=request.GET["entrance"]).first()
        if entrance is None:
            raise Http404
    content, content_type, filename = posters.render(venue, entrance, fmt=fmt, size=request.GET.get("size", "A4"))
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_required
def create(request):
    """Register a venue: a manager for themselves, an official on behalf of an owner."""
    if not policy.can(request.user, "venue.register"):
        raise Http404
    form = VenueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.venue_fields()
            manager = request.user if policy.can(request.user, "venue.register_own") else None
            venue = services.venue_register(by=request.user, manager=manager, **fields)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Venue registered. Print its poster below."))
            return redirect("venues:detail", code=venue.code)
    return render(request, "venues/form.html", {"form": form, "title": _("Register a venue")})


@login_required
def edit(request, code):
    venue = _venue_or_404(request, code)
    if not policy.can(request.user, "venue.change", venue):
        raise Http404
    initial = {
        "name": venue.name,
        "venue_type": venue.venue_type,
        "unit": f"{venue.unit.code} — {venue.unit.name}",
        "street": venue.street,
        "capacity": venue.capacity,
        "default_stay_minutes": venue.default_stay_minutes,
        "starts_at": venue.starts_at,
        "ends_at": venue.ends_at,
        "plate": venue.plate,
        "operator": venue.operator,
        "route": venue.route,
    }
    form = VenueForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.venue_fields()
        unit = fields.pop("unit")
        vt = fields.pop("venue_type")
        try:
            services.venue_update(
                venue=venue, by=request.user, venue_type=vt, unit=unit if unit.pk != venue.unit_id else None, **fields
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("venues:detail", code=venue.code)
    return render(
        request,
        "venues/form.html",
        {"form": form, "venue": venue, "title": _("Change %(name)s") % {"name": venue.name}},
    )


# --- POST actions on one venue (each a few lines; the service says no with a message) ----------


def _entrance(venue, pk):
    entrance = venue.entrances.filter(pk=pk).first()
    if entrance is None:
        raise ServiceError(_("This venue has no such entrance."))
    return entrance


def _add_entrance(request, venue):
    form = EntranceForm(request.POST)
    if form.is_valid():
        services.entrance_add(venue=venue, name=form.cleaned_data["name"])
        return _("Entrance added: print its poster.")
    raise ServiceError(_("Give the entrance a name."))


def _remove_entrance(request, venue):
    services.entrance_remove(entrance=_entrance(venue, request.POST.get("entrance")))
    return _("Entrance removed; its poster no longer works.")


def _revoke(request, venue):
    entrance = _entrance(venue, request.POST["entrance"]) if request.POST.get("entrance") else None
    services.poster_revoke(venue=venue, entrance=entrance)
    return _("Poster replaced: print the new one. The old poster now answers that it has been replaced.")


def _add_trip(request, venue):
    form = TripForm(request.POST)
    if not form.is_valid():
        raise ServiceError(_("A trip needs a departure and an arrival time."))
    services.trip_add(venue=venue, **form.cleaned_data)
    return _("Trip added.")


def _remove_trip(request, venue):
    trip = venue.trips.filter(pk=request.POST.get("trip")).first()
    if trip is None:
        raise ServiceError(_("No such trip."))
    services.trip_remove(trip=trip)
    return _("Trip removed.")


def _add_staff(request, venue):
    form = StaffForm(request.POST)
    if not form.is_valid():
        raise ServiceError(_("Give the account a user name."))
    membership, generated = staff.staff_create(venue=venue, by=request.user, **form.cleaned_data)
    return _(
        "Account %(username)s created with the password %(password)s — hand it over now; it is not shown again."
    ) % {"username": membership.user.username, "password": generated}


def _invite_staff(request, venue):
    form = InviteForm(request.POST, prefix="invite")
    if not form.is_valid():
        raise ServiceError(_("Give the account a user name."))
    staff.staff_invite(venue=venue, by=request.user, **form.cleaned_data)
    return staff.invited_message(form.cleaned_data["username"].strip())


def _remove_staff(request, venue):
    membership = venue.memberships.filter(pk=_int(request.POST.get("membership"))).first()
    if membership is None:
        raise ServiceError(_("No such member of this venue."))
    staff.staff_remove(membership=membership, by=request.user)
    return _("%(username)s no longer works at this venue.") % {"username": membership.user.username}


def _int(text) -> int:
    try:
        return max(0, min(int(text), 2**63 - 1))
    except (TypeError, ValueError):
        return 0


def _verify(request, venue):
    services.venue_verify(venue=venue, by=request.user, verified=request.POST.get("verified") != "0")
    return _("Verification saved.")


def _status(request, venue):
    status = request.POST.get("status", "")
    services.venue_set_status(venue=venue, status=status, by=request.user)
    return _("Status changed to %(status)s.") % {"status": VenueStatus(status).label}


# Each action and the capability that opens it (the status service then tells closing and
# reopening, "venue.close", from suspending and lifting, "venue.suspend").
ACTIONS = {
    "add-entrance": (_add_entrance, "venue.change"),
    "remove-entrance": (_remove_entrance, "venue.change"),
    "revoke": (_revoke, "venue.change"),
    "add-trip": (_add_trip, "venue.change"),
    "remove-trip": (_remove_trip, "venue.change"),
    "add-staff": (_add_staff, "venue.staff"),
    "invite-staff": (_invite_staff, "venue.staff"),
    "remove-staff": (_remove_staff, "venue.staff"),
    "verify": (_verify, "venue.verify"),
    "status": (_status, "venue.close"),
}


# --- what the confirmation page says before an irreversible action (None: nothing to confirm) --


def _confirm_remove_entrance(request, venue):
    entrance = _entrance(venue, request.POST.get("entrance"))
    return {
        "title": _("Remove the entrance “%(name)s”?") % {"name": entrance.name},
        "consequences": [
            _("Its poster stops working at once: visitors who scan it are told it has been replaced."),
            _("This cannot be undone; a new entrance gets a new poster to print."),
        ],
        "confirm_label": _("Remove the entrance"),
    }


def _confirm_revoke(request, venue):
    entrance = _entrance(venue, request.POST["entrance"]) if request.POST.get("entrance") else None
    what = _("the entrance “%(name)s”") % {"name": entrance.name} if entrance else _("the whole venue")
    return {
        "title": _("Replace the poster of %(what)s?") % {"what": what},
        "consequences": [
            _("The printed poster stops working at once: visitors who scan it are told it has been replaced."),
            _("Print the new poster and put it up in place of the old one."),
        ],
        "confirm_label": _("Replace the poster"),
    }


def _confirm_remove_staff(request, venue):
    membership = venue.memberships.select_related("user").filter(pk=request.POST.get("membership")).first()
    if membership is None:
        raise ServiceError(_("No such member of this venue."))
    consequences = [_("They can no longer scan visitors or see this venue.")]
    if membership.user_id == request.user.pk:
        title = _("Remove yourself from %(venue)s?") % {"venue": venue.name}
        consequences = [
            _("You will no longer be able to scan visitors, see or change this venue."),
            _("Only another manager of the venue or an official can add you back."),
        ]
    else:
        title = _("Remove %(username)s from %(venue)s?") % {"username": membership.user.username, "venue": venue.name}
    return {"title": title, "consequences": consequences, "confirm_label": _("Remove")}


def _confirm_status(request, venue):
    status = request.POST.get("status", "")
    if status == VenueStatus.CLOSED:
        return {
            "title": _("Close %(venue)s?") % {"venue": venue.name},
            "consequences": [
                _("No more check-ins: every poster of the venue answers that it is closed."),
                _("Visits already recorded are kept for tracing."),
            ],
            "confirm_label": _("Close the venue"),
        }
    if status == VenueStatus.SUSPENDED:
        return {
            "title": _("Suspend %(venue)s?") % {"venue": venue.name},
            "consequences": [
                _("No more check-ins until an official of the area lifts the suspension."),
                _("The venue's managers cannot reopen it themselves."),
            ],
            "confirm_label": _("Suspend the venue"),
        }
    return None


CONFIRM = {
    "remove-entrance": _confirm_remove_entrance,
    "revoke": _confirm_revoke,
    "remove-staff": _confirm_remove_staff,
    "status": _confirm_status,
}


@login_required
@require_POST
def action(request, code, op):
    """One action on a venue; an irreversible one (``CONFIRM``) first answers with a page that
    says what will happen, and acts only when that page's form comes back confirmed."""
    venue = _venue_or_404(request, code)
    handler, capability = ACTIONS.get(op, (None, None))
    if handler is None or not policy.can(request.user, capability, venue):
        raise Http404
    try:
        ask = CONFIRM.get(op)
        question = ask(request, venue) if ask and not confirmed(request) else None
        if question:
            return confirmation(request, cancel_url=reverse("venues:detail", args=[venue.code]), **question)
        messages.success(request, handler(request, venue))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("venues:detail", code=venue.code)
