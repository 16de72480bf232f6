"""Log-in by user name, or by phone for accounts that have one (venue owners): the phone in any
common form (``0935246810``, ``0935 246 810``, ``+84935246810``, ``84935246810``) is found by its
keyed hash (``User.phone_hash``); the phone is never a user name."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from ravao.accounts import phones

MAX_ACCOUNTS_PER_PHONE = 5


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or not username or password is None:
            return user
        digest = phones.hash_of_typed(username)
        if digest is None:
            return None
        User = get_user_model()
        for candidate in User.objects.filter(phone_hash=digest).order_by("pk")[:MAX_ACCOUNTS_PER_PHONE]:
            if candidate.check_password(password) and self.user_can_authenticate(candidate):
                return candidate
        return None
