"""Each user's menu: the entries every app declares (ravao/core/navigation.py) that the policy
lets this user open."""

from django.urls import NoReverseMatch, reverse

from ravao.accounts import policy
from ravao.core.navigation import entries


def menu_for(user):
    """The entries ``user`` may open, as {url, label, description}."""
    items = []
    for entry in entries():
        if not policy.can(user, entry.capability):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": entry.label, "description": entry.description})
    return items
