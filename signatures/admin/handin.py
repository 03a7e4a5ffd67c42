"""Hand-ins: organisers record the day a country's batches were handed in, for the public."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from signatures.admin.common import mails_sent, staff_id, staff_name, with_mail_counts
from signatures.handins import public
from signatures.models import Batch, Campaign, HandIn, Message

NOT_A_PHOTO = gettext_lazy(
    "This is not a photo the site can show (JPEG, PNG or WebP, at most 40 megapixels)."
)


class HandInForm(forms.Form):
    country = forms.ChoiceField(label=gettext_lazy("Country"))
    handed_in_on = forms.DateField(
        label=gettext_lazy("Day of the hand-in"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The day it happened."),
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=200,
        help_text=gettext_lazy("The embassy or city, as the public should read it."),
    )
    batches = forms.ModelMultipleChoiceField(
        Batch.objects.none(),
        label=gettext_lazy("Batches handed in"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The signature count comes from them."),
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=gettext_lazy(
            "JPEG, PNG or WebP, at most 10 MB. It is resized and its "
            "metadata (place, camera) removed."
        ),
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        for code, name in settings.LANGUAGES:
            self.fields[f"note_{code}"] = forms.CharField(
                label=_("Public note in %(language)s") % {"language": _(name)},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code, "dir": "auto"}),
            )
        ready = (
            Batch.objects.prepared()
            .filter(campaign=campaign, files=Batch.Files.READY)
            .order_by("country", "pk")
        )
        batches = cast("forms.ModelMultipleChoiceField[Batch]", self.fields["batches"])
        batches.queryset = Batch.objects.filter(campaign=campaign)
        batches.widget.choices = [
            (
                b.pk,
                _("Batch %(n)d, %(country)s: %(count)d signatures")
                % {"n": b.pk, "country": b.country.name, "count": b.signature_count},
            )
            for b in ready
        ]
        codes = sorted({b.country.code for b in ready})
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", "—"),
            *((c, countries.name(c)) for c in codes),
        ]

    def clean_handed_in_on(self) -> Any:
        day = self.cleaned_data["handed_in_on"]
        if day > timezone.localdate(timezone=self.campaign.zone):
            raise forms.ValidationError(_("A hand-in is recorded once it has happened."))
        return day

    def clean_photo(self) -> bytes | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size > public.PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is larger than 10 MB."))
        try:
            return public.clean_photo(upload.read())
        except public.BadPhoto as exc:
            raise forms.ValidationError(NOT_A_PHOTO) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country = data.get("country")
        for batch in data.get("batches") or []:
            if batch.state == Batch.State.CANCELLED:
                self.add_error("batches", _("Batch %(n)d is cancelled.") % {"n": batch.pk})
            elif batch.state == Batch.State.HANDED_IN:
                self.add_error("batches", _("Batch %(n)d is handed in already.") % {"n": batch.pk})
            elif batch.files != Batch.Files.READY:
                self.add_error("batches", _("Batch %(n)d's files are not ready.") % {"n": batch.pk})
            elif country and batch.country.code != country:
                self.add_error(
                    "batches",
                    _("Batch %(n)d is of %(other)s, not of %(country)s.")
                    % {
                        "n": batch.pk,
                        "other": batch.country.name,
                        "country": countries.name(country),
                    },
                )
        return data

    def notes(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"note_{code}"].strip() for code, _name in settings.LANGUAGES
        }


@admin.register(HandIn)
class HandInAdmin(admin.ModelAdmin[HandIn]):
    list_display = [
        "handed_in_on",
        "country",
        "place",
        "signature_count",
        "campaign",
        "who",
        "mailed",
    ]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "created_by"]
    readonly_fields = [
        "campaign",
        "country",
        "handed_in_on",
        "place",
        "notes",
        "signature_count",
        "who",
        "created_at",
        "mailed",
    ]
    fields = [*readonly_fields]

    @admin.display(description=gettext_lazy("recorded by"))
    def who(self, hand_in: HandIn) -> str:
        return staff_name(hand_in.created_by)

    @admin.display(description=gettext_lazy("signers told"))
    def mailed(self, hand_in: HandIn) -> str:
        return mails_sent(hand_in)

    def get_queryset(self, request: HttpRequest) -> QuerySet[HandIn]:
        return with_mail_counts(super().get_queryset(request), Message.Kind.HAND_IN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Record a hand-in of one campaign's batches (``?campaign=``, from its batch page)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        campaign_id = str(request.GET.get("campaign", ""))
        if not campaign_id.isdigit():
            ctx = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Record a hand-in"),
                "campaigns": Campaign.objects.order_by("title"),
            }
            return TemplateResponse(request, "admin/signatures/handin/choose.html", ctx)
        campaign = get_object_or_404(Campaign, pk=int(campaign_id))
        form = HandInForm(campaign, request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                hand_in = public.record_hand_in(
                    campaign,
                    country=data["country"],
                    day=data["handed_in_on"],
                    place=data["place"],
                    batch_ids=[b.pk for b in data["batches"]],
                    notes=form.notes(),
                    photo=data["photo"],
                    user_id=staff_id(request),
                )
            except public.BadBatches:
                form.add_error("batches", _("A batch changed meanwhile; choose again."))
            else:
                told = Message.objects.filter(kind=Message.Kind.HAND_IN, ref=hand_in.pk).count()
                self.message_user(
                    request,
                    ngettext(
                        "Hand-in recorded and published; %(n)d signer will be told by mail.",
                        "Hand-in recorded and published; %(n)d signers will be told by mail.",
                        told,
                    )
                    % {"n": told},
                )
                return HttpResponseRedirect(
                    reverse("admin:signatures_batch_campaign", args=[campaign.pk])
                )
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Record a hand-in: %s") % campaign.title,
            "campaign": campaign,
            "form": form,
        }
        return TemplateResponse(request, "admin/signatures/handin/record.html", ctx)
