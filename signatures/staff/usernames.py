"""Usernames in one form (NFKC, case-folded), so spelling variants such as fullwidth
letters count as the same account. Imports no model: the app config connects it."""

import unicodedata
from typing import Any


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username).casefold().strip()


def normalise_on_save(sender: type, instance: Any, **kwargs: Any) -> None:
    """pre_save of the user model: usernames are stored normalised, at creation too."""
    instance.username = normalise_username(instance.username)
