"""Staff accounts: signing in by the username's one form, and with a second factor."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from signatures.staff.usernames import normalise_username


class NormalisedUsernameBackend(ModelBackend):
    """Signs in with the username in its one stored form, however it was typed."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is not None:
            username = normalise_username(username)
        return super().authenticate(request, username=username, password=password, **kwargs)


def is_verified(user: Any) -> bool:
    """OTPMiddleware gives each request's user is_verified(): signed in with a code."""
    return bool(getattr(user, "is_verified", lambda: False)())
