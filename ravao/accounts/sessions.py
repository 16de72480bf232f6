"""What a logged-in session may do, checked on every request (after django-otp's middleware):

* it ends after RAVAO_SESSION_IDLE_MINUTES without a request (officials, tracers, auditors;
  RAVAO_VENUE_SESSION_IDLE_MINUTES for venue managers and gate staff, whose gate runs all day)
  and RAVAO_SESSION_MAX_HOURS after the log-in whatever happens;
* an account whose password was set by the official above changes it first;
* an account that must have a second factor (``secondfactor.required``) reaches nothing but the
  log-in, enrolment and verification pages until its session is verified: the pages redirect
  there, the API (session log-ins; bearer tokens are not sessions) answers 403.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ravao.accounts import policy, secondfactor

AUTH_AT = "ravao_auth_at"
ENROLLED = secondfactor.ENROLLED_SESSION_KEY  # an optional second factor, set up: asked too
SEEN_AT = "ravao_seen_at"
PASSWORD_CHANGE = "/accounts/password/change/"
SEEN_WRITE_SECONDS = 60  # the session row is rewritten at most once a minute for this
# Reachable before the second factor and the password change (and always: assets, health).
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/second-factor/",
    "/accounts/password/reset/",
    "/accounts/password/sms/",
    "/static/",
    "/i18n/",
    "/jsi18n/",
    "/healthz",
    "/readyz",
    "/favicon.ico",
)


@receiver(user_logged_in)
def _remember_enrolment(sender, request, user, **kwargs):
    # Read once per log-in, not per request: gate staff scan through their session all day.
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED] = secondfactor.has_device(user)
        request.session[AUTH_AT] = request.session[SEEN_AT] = time.time()


def idle_seconds(user) -> int:
    minutes = settings.RAVAO_SESSION_IDLE_MINUTES
    if policy.scope_kind(user) == "venue":
        minutes = settings.RAVAO_VENUE_SESSION_IDLE_MINUTES
    return minutes * 60


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = self._check(request)
        except (OperationalError, InterfaceError):
            # The database is out: the view meets the same error and answers 503
            # (core/outage.py handles views' exceptions only). Nothing is let through unchecked:
            # without the database no account can be loaded.
            refused = None
        return refused or self.get_response(request)

    def _check(self, request):
        """A response that stops the request (a redirect, a 403), or None to go on."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        api = request.path_info.startswith("/api/")
        ended = self._expired(request, user)
        if ended:
            logout(request)
            if api:
                return None  # anonymous now: the API answers 401
            messages.info(request, ended)
            return redirect_to_login(request.get_full_path())
        if request.path_info.startswith(OPEN_PREFIXES):
            return None
        needs = secondfactor.required(user) or request.session.get(ENROLLED)
        if needs and not secondfactor.verified(request):
            if api:
                return JsonResponse(
                    {"detail": _("Confirm your log-in with your second factor first."), "code": "second_factor"},
                    status=403,
                )
            step = "signin:verify" if secondfactor.has_device(user) else "signin:enrol"
            return redirect(f"{reverse(step)}?next={request.get_full_path()}")
        if user.must_change_password and not request.path_info.startswith(PASSWORD_CHANGE):
            if api:
                return JsonResponse({"detail": _("Change your password first.")}, status=403)
            return redirect(f"{reverse('signin:password_change')}?next={request.get_full_path()}")
        return None

    def _expired(self, request, user) -> str:
        now = time.time()
        session = request.session
        auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
        if auth_at is None:
            session[AUTH_AT] = session[SEEN_AT] = now
            return ""
        if now - auth_at > settings.RAVAO_SESSION_MAX_HOURS * 3600:
            return _("Your session has ended (%(hours)d hours after you logged in). Log in again.") % {
                "hours": settings.RAVAO_SESSION_MAX_HOURS
            }
        if seen_at is not None and now - seen_at > idle_seconds(user):
            return _("Your session has ended after %(minutes)d minutes without activity. Log in again.") % {
                "minutes": idle_seconds(user) // 60
            }
        if seen_at is None or now - seen_at > SEEN_WRITE_SECONDS:
            session[SEEN_AT] = now
        return ""
