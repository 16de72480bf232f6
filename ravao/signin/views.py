"""Pages of the second factor (verify, enrol, manage), password change and resets (e-mail: Django's
views with our templates; SMS code: venue owners), and the official-above actions on an account."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ravao.accounts import secondfactor
from ravao.accounts.models import User
from ravao.core import ratelimit
from ravao.core.errors import ServiceError
from ravao.signin import services

RESET_SESSION = "ravao_sms_reset"


def _next(request, default="dashboard"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def verify(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    if not secondfactor.has_device(request.user):
        return redirect("signin:enrol")
    error = ""
    if request.method == "POST":
        try:
            secondfactor.verify(request=request, code=request.POST.get("code", ""))
        except ServiceError as exc:
            error = exc.message
        else:
            return redirect(_next(request))
    return render(
        request,
        "signin/verify.html",
        {"error": error, "next": _next(request, ""), "demo_code": secondfactor.demo_hint(request)},
        status=400 if error else 200,
    )


@login_required
def enrol(request):
    """Set up an authenticator app: its QR code (drawn here) and the secret as text; a first code
    confirms it, and the recovery codes are shown once."""
    if secondfactor.has_device(request.user) and not secondfactor.verified(request):
        return redirect("signin:verify")  # replacing an authenticator needs the current one first
    device = secondfactor.enrol_start(user=request.user)
    error = ""
    if request.method == "POST":
        try:
            codes = secondfactor.enrol_confirm(request=request, device=device, code=request.POST.get("code", ""))
        except ServiceError as exc:
            error = exc.message
        else:
            return render(request, "signin/recovery_codes.html", {"codes": codes, "next": _next(request)})
    context = {
        "error": error,
        "qr": secondfactor.qr_svg(device),
        "secret": secondfactor.secret_text(device),
        "next": _next(request, ""),
        "required": secondfactor.required(request.user),
    }
    return render(request, "signin/enrol.html", context, status=400 if error else 200)


@login_required
def manage(request):
    """One's own second factor: its state, new recovery codes, another authenticator."""
    if request.method == "POST":
        try:
            codes = secondfactor.recovery_regenerate(request=request)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            context = {"codes": codes, "next": reverse_lazy("signin:manage")}
            return render(request, "signin/recovery_codes.html", context)
    context = {
        "has_device": secondfactor.has_device(request.user),
        "verified": secondfactor.verified(request),
        "left": secondfactor.recovery_left(request.user),
        "required": secondfactor.required(request.user),
    }
    return render(request, "signin/manage.html", context)


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "signin/password_change.html"

    def get_success_url(self):
        return _next(self.request, reverse_lazy("dashboard"))

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "signin/password_reset.html"
    email_template_name = "signin/password_reset_email.txt"
    subject_template_name = "signin/password_reset_subject.txt"
    success_url = reverse_lazy("signin:password_reset_done")


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "signin/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "signin/password_reset_confirm.html"
    success_url = reverse_lazy("signin:password_reset_complete")

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "signin/password_reset_complete.html"


def sms_reset(request):
    """Venue owners: a code by SMS to the account's phone, then a new password."""
    error, step = "", "phone"
    pending = request.session.get(RESET_SESSION)
    if request.method == "POST" and request.POST.get("step") == "phone":
        try:
            otp_id, digest = services.sms_reset_send(
                phone=request.POST.get("phone", ""), client=ratelimit.client_key(request)
            )
        except ServiceError as exc:
            error = exc.message
        else:
            request.session[RESET_SESSION] = {"otp": otp_id, "account": digest}
            step = "code"
    elif request.method == "POST" and request.POST.get("step") == "code" and pending:
        step = "code"
        if request.POST.get("password1", "") != request.POST.get("password2", ""):
            error = _("The two passwords differ.")
        else:
            try:
                services.sms_reset_confirm(
                    otp_id=pending.get("otp"),
                    digest=pending.get("account", ""),
                    code=request.POST.get("code", ""),
                    password=request.POST.get("password1", ""),
                )
            except ServiceError as exc:
                error = exc.message
            else:
                request.session.pop(RESET_SESSION, None)
                messages.success(request, _("Your password has been changed. Log in with your phone number."))
                return redirect("accounts:login")
    return render(request, "signin/sms_reset.html", {"error": error, "step": step}, status=400 if error else 200)


def _target(request, pk):
    target = User.objects.restrict(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


@login_required
@require_POST
def temporary_password(request, pk: int):
    target = _target(request, pk)
    try:
        password = services.temporary_password_set(actor=request.user, user=target, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:users")
    return render(request, "signin/temporary_password.html", {"target": target, "password": password})


@login_required
@require_POST
def second_factor_reset(request, pk: int):
    target = _target(request, pk)
    try:
        services.second_factor_reset(actor=request.user, user=target, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The second factor of %(username)s was removed: they set up a new one at their next log-in.")
            % {"username": target.username},
        )
    return redirect("accounts:users")
