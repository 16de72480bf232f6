from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ravao.accounts import services
from ravao.accounts.models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
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
