"""Confirm before the irreversible: a page that says what will happen and asks again.

Works without JavaScript. A form for an irreversible action (sending messages, replacing a
poster, removing staff or an entrance, closing a venue) posts to its usual URL; the view sees no
``confirmed=1`` and answers with this page instead of acting: what will happen, a preview where
there is one (the message text, how many people get it), and the same form again, its fields
carried over, with ``confirmed=1`` and a button that says what it does. Only that second post acts.
"""

from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmed(request) -> bool:
    """True once the person has seen the confirmation page and confirmed."""
    return request.POST.get(CONFIRMED) == "1"


def confirmation(
    request,
    *,
    title: str,
    consequences: list[str],
    confirm_label: str,
    cancel_url: str,
    action: str | None = None,
    preview: str = "",
    preview_label: str = "",
    facts: list[tuple[str, object]] | None = None,
    danger: bool = True,
):
    """The confirmation page for the POST being answered: it re-posts the same fields (the CSRF
    token aside) to ``action`` (by default the same URL, query string included)."""
    fields = [
        (k, v) for k, values in request.POST.lists() for v in values if k not in ("csrfmiddlewaretoken", CONFIRMED)
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "action": action or request.get_full_path(),
            "fields": fields,
            "preview": preview,
            "preview_label": preview_label,
            "facts": facts or [],
            "danger": danger,
        },
    )
