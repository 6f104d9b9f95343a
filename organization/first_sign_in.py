"""First sign-in without a password typed by anyone: a one-time link per person (printed on a slip, or sent).

The link carries a token of Django's password-reset kind, salted for this purpose and valid for
FIRST_SIGN_IN_DAYS: it dies when the person sets a password (the hash includes the password and the last sign-in),
and every earlier link dies when a new one is issued (the unusable password is drawn again).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from .models import User


class FirstSignInTokens(PasswordResetTokenGenerator):
    key_salt = "phatsadu.organization.first_sign_in"

    def check_token(self, user, token):
        if not (user and token) or user.has_usable_password() or not user.is_active:
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        return self._num_seconds(self._now()) - ts <= lifetime().total_seconds()


tokens = FirstSignInTokens()


def lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.FIRST_SIGN_IN_DAYS)


def link_for(user: User) -> str:
    path = reverse("first_sign_in", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                            "token": tokens.make_token(user)})
    return f"{settings.SITE_URL}{path}"


def expires_on() -> dt.date:
    return timezone.localdate() + lifetime()


def waiting(division=None):
    """Active staff who have never signed in and have no password: their slips are still to be handed out."""
    people = User.objects.filter(is_active=True, last_login__isnull=True, password__startswith="!")
    if division is not None:
        people = people.filter(division=division)
    return people.select_related("division").order_by("division__order", "division__code", "pk")
