"""Menu entries of the account pages (ravao/core/navigation.py collects them)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

ENTRIES = [
    Entry("accounts:users", _("Accounts"), _("Create and deactivate accounts in your area"), "accounts.manage", 30),
    Entry("accounts:tokens", _("API tokens"), _("Tokens for scripts and integrations"), "tokens.manage", 150),
]
