"""The person's own pages (no account: a secret link kept on their device, see
``people.services.holder_token``): show the personal QR, print the wallet card, revoke and
reissue the code."""

from urllib.parse import urlencode

import segno
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ravao.codes.signing import person_qr_text
from ravao.core.errors import ServiceError
from ravao.core.masking import mask_name
from ravao.people import cards
from ravao.people.services import holder_token, person_for_holder, personal_qr_reissue


def _person_or_problem(request, token):
    try:
        return person_for_holder(token), None
    except ServiceError as error:
        return None, render(
            request, "checkins/problem.html", {"message": error.message, "code": error.code}, status=error.status
        )


@never_cache
def me(request, token: str):
    person, problem = _person_or_problem(request, token)
    if problem:
        return problem
    text = person_qr_text(person=person)
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=5, border=2, title="QR")
    return render(
        request,
        "people/me.html",
        {
            "person": person,
            "masked_name": mask_name(person.full_name),
            "qr_svg": svg,
            "token": token,
            # After a reissue: the link it replaced, so that the device that kept the old one
            # (visitor.js, for one-tap check-ins) keeps the new one instead.
            "was": request.GET.get("was", "")[:200],
        },
    )


def _card_response(person):
    pdf = cards.wallet_card_pdf(
        qr_text=person_qr_text(person=person), masked_name=mask_name(person.full_name), birth_year=person.birth_year
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="ravao-card.pdf"'
    return response


@never_cache
def card_pdf(request, token: str):
    person, problem = _person_or_problem(request, token)
    if problem:
        return problem
    return _card_response(person)


@never_cache
def card_print(request, token: str):
    """The wallet card of a person just enrolled at a gate (``cards.card_token``: one hour)."""
    person = cards.person_for_card_token(token, user=request.user)
    if person is None:
        return render(
            request,
            "checkins/problem.html",
            {"message": _("This print link has expired. Ask the person to show their card at a gate."), "code": ""},
            status=404,
        )
    return _card_response(person)


# CSRF-exempt: the secret link itself is the credential, and in-app browsers may drop cookies.
@csrf_exempt
@require_POST
def reissue(request, token: str):
    person, problem = _person_or_problem(request, token)
    if problem:
        return problem
    person = personal_qr_reissue(person=person)
    url = reverse("people:me", kwargs={"token": holder_token(person)})
    return redirect(f"{url}?{urlencode({'was': token})}")
