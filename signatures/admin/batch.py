"""Hand-in batches: per-country lists of signers for the US embassies, and their files."""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from signatures.admin.common import UsedCountryFilter, staff_name
from signatures.handins import batches, exports
from signatures.handins import files as batch_files
from signatures.handins import services as handins
from signatures.models import Batch, Campaign
from signatures.signing.forms import country_codes

logger = logging.getLogger(__name__)

Admin = admin.ModelAdmin[Batch]


class CountryWithBatchesFilter(UsedCountryFilter):
    """Only the countries that have batches, not all 250."""

    parameter_name = "country"


class MakeBatchForm(forms.Form):
    """One country by its code, or "all": never a batch that mixes countries."""

    country = forms.CharField(error_messages={"required": _("Choose a country from the list.")})
    hand_in_on = forms.DateField(
        label=_("Date of hand-in"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Planned; printed on the cover letters."),
    )

    def clean_country(self) -> str:
        code = str(self.cleaned_data["country"]).strip()
        if code == "all":
            return code
        if code.upper() not in country_codes():
            raise forms.ValidationError(_("Choose a country from the list."))
        return code.upper()


@admin.action(description=_("Cancel the selected batches"), permissions=["export"])
def cancel_batches(modeladmin: Admin, request: HttpRequest, qs: QuerySet[Batch]) -> None:
    returned = sum(batches.cancel_batch(batch) for batch in qs)
    logger.info("%s cancelled batches %s", request.user, [b.pk for b in qs])
    modeladmin.message_user(
        request, _("Cancelled; %(n)d signatures are back in the pool.") % {"n": returned}
    )


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin[Batch]):
    list_display = [
        "__str__",
        "state",
        "signature_count",
        "created_at",
        "handed_in",
        "downloads",
    ]
    list_filter = ["state", "files", "campaign", CountryWithBatchesFilter]
    list_select_related = ["campaign"]
    actions = [cancel_batches]
    fields = [
        "campaign",
        "country",
        "state",
        "signature_count",
        "checksum",
        "made_by",
        "created_at",
        "hand_in_on",
        "handed_in_at",
        "handed_in_where",
        "handed_in_version",
        "cancelled_at",
        "files_of_every_version",
    ]
    readonly_fields = [
        "campaign",
        "country",
        "state",
        "signature_count",
        "checksum",
        "made_by",
        "created_at",
        "cancelled_at",
        "handed_in_version",
        "files_of_every_version",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made from the campaign's batch table

    def has_delete_permission(self, request: HttpRequest, obj: Batch | None = None) -> bool:
        return False  # cancelled, never deleted: every batch stays accounted for

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("signatures.export_signatures")

    def has_view_permission(self, request: HttpRequest, obj: Batch | None = None) -> bool:
        return self.has_export_permission(request) and super().has_view_permission(request, obj)

    @admin.display(description=_("Handed in"), ordering="handed_in_at")
    def handed_in(self, batch: Batch) -> str:
        if batch.handed_in_at is None:
            return self.get_empty_value_display()
        when = date_format(localtime(batch.handed_in_at), "SHORT_DATE_FORMAT")
        return f"{when}, {batch.handed_in_where}" if batch.handed_in_where else when

    @admin.display(description=_("made by"))
    def made_by(self, batch: Batch) -> str:
        return staff_name(batch.created_by)

    @admin.display(description=_("Files"))
    def downloads(self, batch: Batch) -> SafeString:
        """State and progress from the batch row itself: no query per row."""
        if batch.files != Batch.Files.READY:
            return format_html(
                '{} <progress value="{}" max="{}">{} / {}</progress>',
                batch.get_files_display(),
                batch.files_done,
                batch.files_total or 1,
                batch.files_done,
                batch.files_total,
            )
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">PDF</a> (v{})',
            reverse("admin:signatures_batch_csv", args=[batch.pk]),
            reverse("admin:signatures_batch_pdf", args=[batch.pk]),
            batch.files_version,
        )

    @admin.display(description=_("Files of every version"))
    def files_of_every_version(self, batch: Batch) -> SafeString:
        files = batch.batch_files.order_by("version", "kind", "volume")
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> · {} bytes · SHA-256 <code>{}</code>',
            (
                (reverse("admin:signatures_batch_file", args=[f.pk]), f.filename, f.size, f.sha256)
                for f in files.select_related("batch__campaign")
            ),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/csv/", view(exports.batch_csv), name="signatures_batch_csv"),
            path("file/<int:pk>/", view(exports.batch_file), name="signatures_batch_file"),
            path("<int:pk>/pdf/", view(exports.batch_pdf), name="signatures_batch_pdf"),
            path(
                "<int:pk>/full-csv/", view(exports.batch_full_csv), name="signatures_batch_full_csv"
            ),
            path(
                "campaign/<int:campaign_pk>/",
                view(self.campaign_view),
                name="signatures_batch_campaign",
            ),
            path(
                "campaign/<int:campaign_pk>/new.zip",
                view(exports.new_batches_zip),
                name="signatures_batch_zip",
            ),
            *super().get_urls(),
        ]

    def campaign_view(self, request: HttpRequest, campaign_pk: int) -> HttpResponse:
        """Per country: what waits for a batch; make batches; past batches."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=campaign_pk)
        if request.method == "POST" and (problems := campaign.sender_problems()):
            # Never a letter to an embassy signed by placeholders.
            self.message_user(
                request,
                _("Nothing was prepared: %(problems)s Fill in the sender on the campaign first.")
                % {"problems": " ".join(problems)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        if request.method == "POST" and "files" in request.POST:
            self.files_action(request, campaign)
            return HttpResponseRedirect(request.path)
        form = MakeBatchForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            made = handins.make(
                campaign,
                form.cleaned_data["country"],
                request.user,
                form.cleaned_data["hand_in_on"],
            )
            for batch in made:
                self.log_addition(request, batch, "Made; the worker fills it and makes its files")
            self.message_user(
                request, _("%(n)d batches made; their files are being prepared.") % {"n": len(made)}
            )
            return HttpResponseRedirect(request.path)
        table = batches.country_table(campaign)
        every = [batch for row in table for batch in row["batches"]]
        ready = batch_files.ready_files_and_changes(
            [b for b in every if b.files == Batch.Files.READY]
        )
        for batch in every:
            batch.ready_files, batch.changes = ready.get(batch.pk, ([], None))
        preparing = any(
            b.files in {Batch.Files.QUEUED, Batch.Files.PREPARING}
            for row in table
            for b in row["batches"]
            if b.state != Batch.State.CANCELLED
        )
        ctx = {
            "form": form,
            "refresh": preparing,
            **self.admin_site.each_context(request),
            "title": _("Hand-in batches: %s") % campaign.title,
            "opts": self.opts,
            "campaign": campaign,
            "table": table,
            "sender_problems": campaign.sender_problems(),
        }
        return TemplateResponse(request, "admin/signatures/batch/campaign.html", ctx)

    def files_action(self, request: HttpRequest, campaign: Campaign) -> None:
        """Retry a failed preparation, or prepare a changed batch's files again."""
        batch = get_object_or_404(Batch, pk=request.POST.get("batch"), campaign=campaign)
        if request.POST["files"] == "retry" and handins.retry(batch):
            self.log_change(request, batch, f"Files of version {batch.files_version} retried")
            self.message_user(request, _("The files are being prepared again."))
        elif request.POST["files"] == "again" and (version := handins.prepare_again(batch)):
            self.log_change(request, batch, f"Files prepared again as version {version}")
            self.message_user(request, _("A new version of the files is being prepared."))
