from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ravao.accounts import policy, services, venuestaff
from ravao.accounts.forms import ThrottledLoginForm, UserCreateForm
from ravao.accounts.models import ApiToken, User
from ravao.accounts.navigation import menu_for
from ravao.core.errors import ServiceError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The language saved on the account wins over the browser's.
        if form.get_user().language:
            response.set_cookie("django_language", form.get_user().language, samesite="Lax")
        return response


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def tokens(request):
    raw = None
    if request.method == "POST":
        raw = services.token_issue(user=request.user, name=request.POST.get("name", "")[:100])
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    items = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": items, "raw": raw})


@login_required
@require_POST
def token_revoke(request, pk: int):
    if services.token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


@login_required
def users(request):
    """Accounts within the official's jurisdiction, and a form to create one."""
    actor = request.user
    if not policy.can(actor, "accounts.manage"):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                unit=data["unit"],
                sector=data["sector"],
                email=data["email"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return redirect("accounts:users")
    q = request.GET.get("q", "").strip()
    qs = User.objects.restrict(actor).select_related("unit", "sector").order_by("username")
    if q:
        qs = qs.filter(username__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"page": page, "form": form, "q": q})


@login_required
@require_POST
def user_active(request, pk: int):
    target = User.objects.restrict(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    try:
        services.user_set_active(actor=request.user, user=target, active=request.POST.get("active") == "1")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:users")


@login_required
def dashboard(request):
    """Each role's starting page: the entries of its menu."""
    invitations = venuestaff.invitations_for(request.user) if policy.can(request.user, "venue.work") else []
    return render(request, "accounts/dashboard.html", {"menu": menu_for(request.user), "invitations": invitations})
