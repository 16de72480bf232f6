"""The invitee's page: invitations to work at a venue, accepted or declined by the account holder."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.core.errors import ServiceError
from ravao.venues import staff


@login_required
def invitations(request):
    if not policy.can(request.user, "venue.work"):
        raise Http404
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            membership = staff.invitation_answer(
                user=request.user, membership_id=_int(request.POST.get("invitation")), accept=accept
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if accept:
                messages.success(request, _("You now work at %(venue)s.") % {"venue": membership.venue.name})
                return redirect("venues:detail", code=membership.venue.code)
            messages.success(request, _("Invitation declined."))
        return redirect("venues:invitations")
    return render(request, "venues/invitations.html", {"invitations": list(staff.invitations_for(request.user))})


def _int(text) -> int:
    try:
        return max(0, min(int(text), 2**63 - 1))
    except (TypeError, ValueError):
        return 0
