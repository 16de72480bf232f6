"""The menu: the entries that apps declare in their ``menu.py`` (a list ``ENTRIES``), each shown
to the users who hold its capability (ravao/accounts/policy.py).

Core imports no feature app: it finds the ``menu`` module of every installed app, so an app adds
its pages to the menu without touching this file, and its labels stay in its own catalogue."""

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache

from django.apps import apps


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    description: str
    capability: str
    # The menu reads in the order people work through it, across apps (not app by app): the
    # apps' numbers interleave, and gaps leave room for new entries.
    order: int


@cache
def entries() -> tuple[Entry, ...]:
    """Every app's entries, in menu order (found once per process)."""
    found = []
    for config in apps.get_app_configs():
        module = f"{config.name}.menu"
        if importlib.util.find_spec(module) is not None:
            found += importlib.import_module(module).ENTRIES
    return tuple(sorted(found, key=lambda entry: entry.order))
