"""Campaigns: their texts and translations, the dashboard and the preview."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from signatures.models import Campaign, CampaignTranslation
from signatures.moderation import dashboard
from signatures.signing import pages


class CampaignTranslationInline(admin.StackedInline[CampaignTranslation, Campaign]):
    model = CampaignTranslation
    extra = 0
    verbose_name_plural = _("Translations (blank fields show the original text)")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    inlines = [CampaignTranslationInline]
    list_display = ["title", "slug", "opens_at", "closes_at", "paused", "links"]
    list_editable = ["paused"]
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
        (_("Signing"), {"fields": ["opens_at", "closes_at", "requires_confirmation"]}),
        (
            _("Hand-in letter"),
            {"fields": ["sender_organisation", "sender_contact", "sender_signatory"]},
        ),
        (
            _("During an attack"),
            {"fields": ["paused", "pause_message", "proof_of_work"]},
        ),
    ]

    @admin.display(description=_("Pages"))
    def links(self, campaign: Campaign) -> SafeString:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]),
            _("Dashboard"),
            reverse("admin:signatures_batch_campaign", args=[campaign.pk]),
            _("Batches"),
            reverse("admin:signatures_campaign_preview", args=[campaign.pk]),
            _("Preview"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/dashboard/",
                view(self.dashboard_view),
                name="signatures_campaign_dashboard",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="signatures_campaign_preview"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("signatures.view_signature"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        ctx = {
            **self.admin_site.each_context(request),
            "title": _("Dashboard: %s") % campaign.title,
            "campaign": campaign,
            "opts": self.opts,
            "stats": dashboard.stats(campaign, sort=request.GET.get("sort", "count")),
        }
        return TemplateResponse(request, "admin/signatures/campaign/dashboard.html", ctx)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        language = str(request.GET.get("language", campaign.language))
        ctx = pages.preview_context(campaign, language)
        return TemplateResponse(request, "signatures/campaign.html", ctx)
