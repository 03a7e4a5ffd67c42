"""Campaigns: their texts and translations, the dashboard and the preview."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from petition_site.lib.spreadsheet import csv_stream
from signatures.admin.common import staff_id
from signatures.mail import updates
from signatures.models import Campaign, CampaignTranslation
from signatures.moderation import dashboard
from signatures.signing import pages
from signatures.staff.home import campaign_pages
from signatures.staff.roles import can_hand_in


class CampaignTranslationInline(admin.StackedInline[CampaignTranslation, Campaign]):
    model = CampaignTranslation
    extra = 0
    verbose_name_plural = _("Translations (blank fields show the original text)")


class PauseForm(forms.ModelForm[Campaign]):
    """A row's "paused" box, named for screen readers by its campaign."""

    class Meta:
        model = Campaign
        fields = ["paused"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = _("Pause signing: %(title)s") % {"title": self.instance.title}
        self.fields["paused"].widget.attrs["aria-label"] = label


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    inlines = [CampaignTranslationInline]
    list_display = ["title", "slug", "opens_at", "closes_at", "paused"]
    list_editable = ["paused"]

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[PauseForm]:
        return PauseForm

    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "goal"]}),
        (
            _("Texts"),
            {
                "fields": [
                    "lead",
                    "body",
                    "call_to_action",
                    "petition_text",
                    "target",
                    "salutation",
                    "hand_in_note",
                ]
            },
        ),
        (
            _("Signing"),
            {"fields": ["opens_at", "closes_at", "requires_confirmation", "time_zone"]},
        ),
        (
            _("Hand-in letter"),
            {"fields": ["sender_organisation", "sender_contact", "sender_signatory"]},
        ),
        (
            _("During an attack"),
            {"fields": ["paused", "pause_message", "proof_of_work"]},
        ),
    ]

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        """The pages column offers only the pages this staff member may open."""
        hand_in = can_hand_in(request.user)

        @admin.display(description=_("Pages"))
        def pages(campaign: Campaign) -> SafeString:
            preview = reverse("admin:signatures_campaign_preview", args=[campaign.pk])
            with translation.override(campaign.language):
                sheet = reverse("signatures:collection_sheet", args=[campaign.slug])
            links = [
                *((url, label) for label, url in campaign_pages(campaign, hand_in)),
                (preview, _("Preview")),
                (sheet, _("Collection sheet")),
            ]
            return format_html_join(" · ", '<a href="{}">{}</a>', links)

        return [*self.list_display, pages]

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/dashboard/",
                view(self.dashboard_view),
                name="signatures_campaign_dashboard",
            ),
            path(
                "<int:pk>/dashboard/<str:table>.csv",
                view(self.dashboard_csv),
                name="signatures_campaign_dashboard_csv",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="signatures_campaign_preview"),
            path(
                "<int:pk>/news-list.csv",
                view(self.news_list_csv),
                name="signatures_campaign_news_list",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("signatures.view_signature"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        # Days, "today" and every time shown are the campaign's, and it says which.
        with timezone.override(campaign.zone):
            ctx = {
                **self.admin_site.each_context(request),
                "title": _("Dashboard: %s") % campaign.title,
                "campaign": campaign,
                "opts": self.opts,
                "stats": dashboard.stats(campaign, sort=request.GET.get("sort", "count")),
                "can_hand_in": can_hand_in(request.user),
                "hand_ins": campaign.hand_ins.order_by("-handed_in_on", "-id"),
                "informed": updates.informed(campaign.pk).count(),
            }
            return TemplateResponse(
                request, "admin/signatures/campaign/dashboard.html", ctx
            ).render()

    def dashboard_csv(self, request: HttpRequest, pk: int, table: str) -> HttpResponseBase:
        """One of the dashboard's tables as a CSV file (figures only, no personal data)."""
        if not request.user.has_perm("signatures.view_signature"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        if table not in dashboard.TABLES:
            raise Http404
        header, rows = dashboard.table(campaign, table)
        response = StreamingHttpResponse(
            csv_stream(header, rows), content_type="text/csv; charset=utf-8"
        )
        filename = f"{campaign.slug}-{table}-{timezone.localdate(timezone=campaign.zone)}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def news_list_csv(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        """Confirmed signers who asked for news, for organisers who write from their own
        mailing tool; every export is in the audit log."""
        if not request.user.has_perm("signatures.export_news_list"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        signers = updates.informed(campaign.pk).order_by("pk")
        LogEntry.objects.log_actions(
            staff_id(request),
            [campaign],
            CHANGE,
            change_message=f"Exported the news list: {signers.count()} signers",
        )
        rows = (
            (first, last, email, country, language, signed.date().isoformat())
            for first, last, email, country, language, signed in signers.values_list(
                "first_name", "last_name", "email", "country", "language", "created_at"
            ).iterator(chunk_size=2000)
        )
        header = ["given name", "family name", "e-mail", "country", "language", "signed"]
        response = StreamingHttpResponse(
            csv_stream(header, rows), content_type="text/csv; charset=utf-8"
        )
        filename = f"{campaign.slug}-news-list-{timezone.localdate(timezone=campaign.zone)}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        language = str(request.GET.get("language", campaign.language))
        ctx = pages.preview_context(campaign, language)
        return TemplateResponse(request, "signatures/campaign.html", ctx)
