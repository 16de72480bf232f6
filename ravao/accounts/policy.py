"""Who may do what. (Being reworked into one capability table: see docs/architecture.md.)"""

from django.utils.translation import gettext as _

from ravao.accounts.models import Role
from ravao.core.errors import Forbidden


def require_role(request, *roles: str):
    """Raise 403 unless the caller has one of ``roles`` (a superuser counts as national admin)."""
    user = request.auth
    if not user.has_role(*roles):
        raise Forbidden(_("Your role may not do this."))
    return user


ANY_OFFICIAL = (
    Role.NATIONAL_ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.DISTRICT_OFFICIAL,
    Role.COMMUNE_OFFICIAL,
    Role.SECTOR_OFFICIAL,
)
