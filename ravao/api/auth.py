"""API authentication: bearer tokens (scripts, gate devices) or the browser session (pages)."""

from ninja.security import APIKeyCookie, HttpBearer

from ravao.accounts.services import token_for_raw


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        found = token_for_raw(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session, with Django's CSRF check for unsafe methods."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
