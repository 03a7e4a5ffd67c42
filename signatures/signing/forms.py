"""The sign form: what a signer may type, normalised field by field."""

import re
import time
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from petition_site.lib import addresses
from petition_site.lib.spreadsheet import FORMULA_PREFIXES
from signatures.models import Signature
from signatures.signing import consent as wording
from signatures.signing import sources
from signatures.signing.services import Details, SignatureData
from signatures.tokens import form_age, form_started_token

URL_RE = re.compile(r"(https?:|www\.|://|\b[\w-]+\.(com|net|org|info|ru|cn|io|xyz)\b)", re.I)


# Zero-width (non-)joiners are part of how Persian, Urdu or Indic names are written.
JOINERS = {"\u200c", "\u200d"}
# Letters by their Unicode category that print as nothing: Hangul fillers.
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def has_a_letter(value: str) -> bool:
    """A name prints as something: at least one letter that is not a blank filler."""
    return any(unicodedata.category(ch)[0] == "L" and ch not in BLANK_LETTERS for ch in value)


def clean_name(value: str) -> str:
    if any(unicodedata.category(ch)[0] == "C" and ch not in JOINERS for ch in value):
        raise forms.ValidationError(_("Please remove control or invisible characters."))
    value = " ".join(value.split())
    if not value:
        raise forms.ValidationError(_("This field is required."))
    if value.startswith(FORMULA_PREFIXES):
        raise forms.ValidationError(_("A name cannot start with =, +, - or @."))
    if "<" in value or ">" in value:
        raise forms.ValidationError(_("A name cannot contain < or >."))
    if URL_RE.search(value):
        raise forms.ValidationError(_("A name cannot contain a web address."))
    if not has_a_letter(value):
        raise forms.ValidationError(_("A name needs at least one letter."))
    return value


@lru_cache(maxsize=16)
def country_choices(language: str) -> list[tuple[str, str]]:
    """Countries sorted by their names in ``language``: worked out once per process."""
    with translation.override(language):
        return [("", str(_("Choose your country"))), *((c.code, str(c.name)) for c in countries)]


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


class CountrySelect(forms.Select):
    """Options sorted for the active language, shared by every form.

    A ChoiceField would copy and re-check its 250 choices for every form
    made, a good part of the cost of a signing request.
    """

    @property
    def choices(self) -> list[tuple[str, str]]:
        return country_choices(get_language())

    @choices.setter
    def choices(self, value: object) -> None:
        pass


class StrictCheckbox(forms.CheckboxInput):
    """Ticked only by what a browser sends for a ticked box ("on") or an explicit yes.

    Django's checkbox reads any other text, "off" and "no" included, as ticked.
    """

    TICKED = {"on", "true", "1", "yes"}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        value = data.get(name)
        return isinstance(value, str) and value.strip().lower() in self.TICKED


class SummaryForm(forms.Form):
    """A form whose errors are listed above it, each a link to its field."""

    # The error summary names a field shortly: not by a whole consent sentence.
    short_labels: ClassVar[dict[str, "StrOrPromise"]] = {}

    def summary(self) -> list[tuple[str, str, str]]:
        """(input id, short label, message) for every field error, in the form's order."""
        return [
            (field.auto_id, str(self.short_labels.get(field.name, field.label)), str(error))
            for field in self
            for error in field.errors
        ]


class DetailsFields(SummaryForm):
    """Who signs and where: the fields the sign form and the confirmation page share."""

    def clean(self) -> dict[str, Any]:
        # Django reads bytes that are not UTF-8 as U+FFFD: the text is not what was typed.
        data = self.data
        values = (
            data.lists() if isinstance(data, QueryDict) else ((k, [v]) for k, v in data.items())
        )
        if any("\ufffd" in str(value) for _name, listed in values for value in listed):
            raise forms.ValidationError(
                _(
                    "Some characters could not be read, so nothing was saved. "
                    "Please check your answers and type any odd characters again."
                ),
                code="unreadable",
            )
        return self.cleaned_data

    def unreadable(self) -> bool:
        """Sent in bytes that are not UTF-8 (the answer is then a 400)."""
        return self.has_error(NON_FIELD_ERRORS, "unreadable")

    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        strip=False,
        # dir="auto": a name runs in its own script's direction on any page.
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "dir": "auto"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "dir": "auto"}),
    )
    country = forms.CharField(
        label=_("Country"),
        widget=CountrySelect(attrs={"autocomplete": "country"}),
    )

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"])

    def clean_country(self) -> str:
        code = str(self.cleaned_data["country"]).upper()
        if code not in country_codes():
            raise forms.ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": self.cleaned_data["country"]},
            )
        return code


class DetailsForm(DetailsFields):
    """The confirmation page: the owner of the mailbox checks, and may correct, the details."""

    @classmethod
    def of(cls, signature: Signature) -> "DetailsForm":
        return cls(
            initial={
                "first_name": signature.first_name,
                "last_name": signature.last_name,
                "country": signature.country.code,
            }
        )

    @classmethod
    def sent_in(cls, data: Any) -> bool:
        return any(name in data for name in cls.base_fields)

    def details(self) -> Details:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "country": data["country"],
        }


class SignatureForm(DetailsFields):
    field_order = ["first_name", "last_name", "email", "country"]
    short_labels: ClassVar[dict[str, "StrOrPromise"]] = {
        "consent": _("Consent"),
        "contact_opt_in": _("News by e-mail"),
    }

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
        # Addresses read left to right, on Arabic pages too.
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    consent = forms.BooleanField(
        label=wording.HAND_IN[wording.CURRENT_VERSION],
        widget=StrictCheckbox,
        error_messages={"required": _("Please agree so that we can hand in your signature.")},
    )
    contact_opt_in = forms.BooleanField(
        label=wording.CONTACT[wording.CURRENT_VERSION], required=False, widget=StrictCheckbox
    )
    # Bot traps: a field people never see, and when the form was served.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # A campaign tag from the page's address (?source=), or a partner's own.
    source = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started", form_started_token())

    # A domain that looks mistyped is asked about once: the suggestion is
    # taken (USE_SUGGESTION) or the address kept (CHECKED holds it), never refused.
    USE_SUGGESTION, CHECKED = "email_suggestion", "email_checked"
    suggestion: str | None = None
    typed: str = ""

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"])
        if email.count("@") != 1:
            raise forms.ValidationError(_("Enter a valid e-mail address."))
        try:
            email = addresses.normalise(email)
        except addresses.InvalidAddress as exc:
            raise forms.ValidationError(str(exc)) from exc
        suggestion = addresses.suggest_domain(email)
        if suggestion is not None and self.data.get(self.USE_SUGGESTION) == suggestion:
            return suggestion
        if suggestion is None or self.data.get(self.CHECKED) == email:
            return email
        self.suggestion, self.typed = suggestion, email
        raise forms.ValidationError(
            _("Did you mean %(suggestion)s? Choose the address your mail should go to."),
            code="typo",
            params={"suggestion": suggestion},
        )

    def signature_data(self) -> SignatureData:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "country": data["country"],
            "consent": data["consent"],
            "contact_opt_in": data["contact_opt_in"],
            "source": data["source"],
        }

    def clean_source(self) -> str:
        return sources.clean(str(self.cleaned_data["source"]))

    def is_bot(self) -> bool:
        """Filled the field people never see."""
        return bool(self.cleaned_data.get("website"))

    def fill_seconds(self) -> float | None:
        """How long the form was open, or None when its start token is missing or stale."""
        return form_age(str(self.cleaned_data.get("started", "")))

    def renewed(self) -> "SignatureForm":
        """The same answers in a freshly served form, to be sent once more."""
        data = {name: self.data[name] for name in self.data}
        # The answers are typed already: sending them again takes no fill time.
        data["started"] = form_started_token(time.time() - settings.SIGN_MIN_FILL_SECONDS)
        return SignatureForm(data)


class AddressForm(SummaryForm):
    """An address alone: to be sent a fresh withdraw link, or to correct a mistyped one."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )

    def clean_email(self) -> str:
        try:
            return addresses.normalise(str(self.cleaned_data["email"]))
        except addresses.InvalidAddress as exc:
            raise forms.ValidationError(str(exc)) from exc
