"""A venue's managers and gate staff: new accounts made for the venue, invitations of existing
accounts, and the invitee's answer. Shared by the venue page, the API and the invitee's page.

* A **new account** (``staff_create``) is made for this venue and works there at once; its user
  name must be free. The refusal is the same for every name that cannot be used (taken by any
  account, official or not, or shaped like a phone number): it never says whose it is.
* An **existing account** is only invited (``staff_invite``): nothing changes until its holder
  accepts (``invitation_answer``). The answer to the inviter is the same whether the name exists,
  belongs to an official, to an inactive account or to nobody: no user-name oracle.
* A membership is the account's role **at that venue**; the account's own role never changes
  (a gate staff account made manager of one venue manages that venue only: ``policy.OWN_VENUE``).
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import User
from ravao.accounts.services import phone_like_username, user_create
from ravao.core.errors import NotFound, ServiceError
from ravao.venues.models import MembershipRole, Venue, VenueMembership
from ravao.venues.services import membership_link


def _checked(venue: Venue, by: User | None, username: str, role: str) -> str:
    if by is not None:
        policy.require(by, "venue.staff", venue)
    if role not in MembershipRole.values:
        raise ServiceError(_("Unknown role %(role)s.") % {"role": role})
    username = (username or "").strip()
    if not username:
        raise ServiceError(_("Give the account a user name."))
    return username


def unusable_name_message(venue: Venue) -> str:
    return _(
        "This user name cannot be used for a new account: choose another (letters, e.g. baove_%(suffix)s). "
        "To add someone who already has an account, invite them instead."
    ) % {"suffix": venue.code.lower()}


@transaction.atomic
def staff_create(
    *,
    venue: Venue,
    by: User | None,
    username: str,
    role: str,
    full_name: str = "",
    phone: str = "",
    password: str | None = None,
) -> tuple[VenueMembership, str | None]:
    """Make a new gate staff (or venue manager) account for ``venue`` (``by``: its managers,
    officials of its area). Returns the membership and, without a chosen password, a generated
    one to hand over once."""
    username = _checked(venue, by, username, role)
    # Phone-number user names belong to accounts whose phone was proved by SMS; taken names
    # are refused alike, whoever holds them.
    if phone_like_username(username) or User.objects.filter(username__iexact=username).exists():
        raise ServiceError(unusable_name_message(venue), code="username_unavailable", status=409)
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(9)
    first, _sep, last = (full_name or "").strip().rpartition(" ")
    try:
        with transaction.atomic():
            user = user_create(
                username=username,
                password=password,
                role=policy.venue_account_role(manager=role == MembershipRole.MANAGER),
                phone=(phone or "").strip(),
                first_name=first[:150],
                last_name=last[:150],
            )
    except ServiceError as exc:
        if exc.status == 409:  # taken meanwhile
            raise ServiceError(unusable_name_message(venue), code="username_unavailable", status=409) from exc
        raise ServiceError(_("This user name cannot be used: %(error)s") % {"error": exc.message}) from exc
    return membership_link(venue=venue, user=user, role=role), generated


def invited_message(username: str) -> str:
    """The one answer to every invitation, whoever the name belongs to."""
    return _(
        "If %(username)s is a venue account, it has been invited. It works here once its holder accepts "
        "(under “Invitations” on their dashboard)."
    ) % {"username": username}


@transaction.atomic
def staff_invite(*, venue: Venue, by: User | None, username: str, role: str) -> None:
    """Invite an existing venue account to work at ``venue`` in ``role``. Says nothing about
    the account (see ``invited_message``); inviting again is harmless (idempotent)."""
    username = _checked(venue, by, username, role)
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None or not policy.role_may(user.effective_role, "venue.work"):
        return
    membership = VenueMembership.objects.select_for_update().filter(venue=venue, user=user).first()
    if membership is not None and membership.active and membership.role == role:
        if membership.invited_role:  # an invitation to another role is withdrawn
            membership.invited_role = ""
            membership.save(update_fields=["invited_role"])
        return
    now = timezone.now()
    if membership is None:
        VenueMembership.objects.create(
            venue=venue, user=user, role=role, active=False, invited_role=role, invited_by=by, invited_at=now
        )
        return
    if membership.invited_role != role:
        membership.invited_role, membership.invited_by, membership.invited_at = role, by, now
        membership.save(update_fields=["invited_role", "invited_by", "invited_at"])


def invitations_for(user: User):
    """The invitations waiting for ``user``'s answer."""
    return (
        VenueMembership.objects.filter(user=user, user__is_active=True)
        .exclude(invited_role="")
        .select_related("venue", "venue__venue_type", "venue__unit", "invited_by")
        .order_by("-invited_at")
    )


@transaction.atomic
def invitation_answer(*, user: User, membership_id: int, accept: bool) -> VenueMembership:
    """Accept or decline one of ``user``'s invitations. Answering again gives the same result
    (a retried request): the membership as it now is."""
    policy.require(user, "venue.work")
    membership = (
        VenueMembership.objects.select_for_update().select_related("venue").filter(pk=membership_id, user=user).first()
    )
    if membership is None:
        raise NotFound(_("No such invitation."))
    if not membership.invited_role:
        return membership  # answered already
    if accept:
        demoted = membership.role == MembershipRole.MANAGER and membership.invited_role != membership.role
        if membership.active and demoted:
            _keep_a_manager(membership)
        membership.role, membership.active = membership.invited_role, True
    membership.invited_role = ""
    membership.save(update_fields=["role", "active", "invited_role"])
    return membership


def _keep_a_manager(membership: VenueMembership) -> None:
    """Raise unless another active manager stays (the venue's managers locked: two changes at
    once cannot both pass)."""
    managers = list(
        VenueMembership.objects.select_for_update()
        .filter(venue_id=membership.venue_id, role=MembershipRole.MANAGER, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not [pk for pk in managers if pk != membership.pk]:
        raise ServiceError(_("A venue keeps at least one manager: add another manager first."))


@transaction.atomic
def staff_remove(*, membership: VenueMembership, by: User | None) -> None:
    """End a membership or withdraw an invitation (kept for the record; ``by``: the venue's
    managers, officials of its area). The last manager cannot leave the venue alone."""
    if by is not None:
        policy.require(by, "venue.staff", membership.venue)
    if membership.active and membership.role == MembershipRole.MANAGER:
        _keep_a_manager(membership)
    membership.active, membership.invited_role = False, ""
    membership.save(update_fields=["active", "invited_role"])
