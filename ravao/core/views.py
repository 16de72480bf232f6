from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from ravao.accounts.models import Role
from ravao.core.navigation import menu_for


def home(request):
    """The public home page: what Ravao is, and a box to type a venue's short code."""
    return render(request, "core/home.html")


@login_required
def dashboard(request):
    """Each role's starting page: the entries of its menu."""
    return render(request, "core/dashboard.html", {"menu": menu_for(request.user), "Role": Role})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
