"""The forms staff use to type in a sheet's rows and to upload a spreadsheet export."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from signatures.models import Campaign
from signatures.paper.rows import MAX_BYTES, PaperRow, check
from signatures.signing.forms import CountrySelect
from signatures.signing.sheets import normalise_code

# The row checker's columns, by this form's fields.
FIELDS = {"given_name": "first_name", "family_name": "last_name", "country": "country"}


class SheetFields(forms.Form):
    """What stays the same for every row of a sheet or file."""

    campaign = forms.ModelChoiceField(
        Campaign.objects.order_by("-opens_at"), label=_("Campaign"), empty_label=None
    )
    language = forms.ChoiceField(
        label=_("Language of the sheet"),
        choices=settings.LANGUAGES,
        help_text=_("Signers who gave an e-mail address are told in this language."),
    )


class RowForm(SheetFields):
    """One row of a collection sheet, typed in; the sheet code and country stay for the next."""

    sheet_code = forms.CharField(
        label=_("Sheet code"),
        max_length=20,
        help_text=_("Printed at the top of the sheet, like K7Q4M-ZP2."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "size": 11}),
    )
    country = forms.CharField(label=_("Country"), widget=CountrySelect)
    first_name = forms.CharField(
        label=_("Given name"),
        max_length=300,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    last_name = forms.CharField(
        label=_("Family name"),
        max_length=300,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    email = forms.CharField(
        label=_("E-mail address (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "inputmode": "email"}),
    )
    keep_informed = forms.BooleanField(label=_("Keep me informed (ticked)"), required=False)
    enter_anyway = forms.BooleanField(
        label=_("It is another person of the same name: enter it anyway"), required=False
    )

    row: PaperRow | None = None

    def clean_sheet_code(self) -> str:
        code = normalise_code(str(self.cleaned_data["sheet_code"]))
        if code is None:
            raise forms.ValidationError(
                _("This is not a code the site printed. Check the code at the top of the sheet.")
            )
        return code

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {column: str(data.get(name, "")) for column, name in FIELDS.items()}
        values["email"] = str(data.get("email", ""))
        values["keep_informed"] = "yes" if data.get("keep_informed") else ""
        if any(name not in data for name in FIELDS.values()):
            return data  # a field's own error says what is missing
        row, wrong = check(values)
        for column, reason in wrong:
            self.add_error(FIELDS.get(column, column), reason)
        if data.get("keep_informed") and not values["email"].strip():
            self.add_error("keep_informed", _("News needs an e-mail address."))
            row = None
        self.row = row
        return data


class UploadForm(SheetFields):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, comma or semicolon separated, with a first line naming the columns: "
            "given_name, family_name, country, and optionally email, keep_informed, sheet_code."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB. Split it into smaller files.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload
