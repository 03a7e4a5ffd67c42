import logging

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from signatures import batches, consent, dashboard, exports, moderation, services
from signatures.forms import SignatureForm, canonical_email
from signatures.models import Batch, Campaign, CampaignTranslation, Invalidation, Signature
from signatures.moderation import Action
from signatures.tasks import run_invalidation

logger = logging.getLogger(__name__)


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows, so a filtered list of a million stays fast."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP + 1].count()


class ReasonActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=200, help_text=_("Kept in the audit log.")
    )


class EmailDomainFilter(admin.SimpleListFilter):
    """?domain=example.org, linked from the dashboard's suspicious panel."""

    title = _("e-mail domain")
    parameter_name = "domain"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        value = self.value()
        return [(value, value)] if value else []

    def has_output(self) -> bool:
        return bool(self.value())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(email_canonical__endswith="@" + self.value().lower())
        return queryset


class NetworkFilter(admin.SimpleListFilter):
    """?network=<hash>, linked from the dashboard's suspicious panel."""

    title = _("client network")
    parameter_name = "network"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        value = self.value()
        return [(value, value[:12] + "…")] if value else []

    def has_output(self) -> bool:
        return bool(self.value())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(network_hash=self.value())
        return queryset


def _moderate(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, action: Action
) -> None:
    reason = request.POST.get("reason", "").strip()[:200]
    moved = moderation.move(queryset, action, request.user.pk, reason)
    logger.info("%s: %s on %d signatures (%s)", request.user, action, moved, reason)
    modeladmin.message_user(request, _("%(n)d signatures changed.") % {"n": moved})


@admin.action(description=_("Confirm selected signatures"), permissions=["change"])
def confirm_signatures(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    _moderate(modeladmin, request, qs, Action.CONFIRM)


@admin.action(description=_("Reject selected signatures"), permissions=["change"])
def reject_signatures(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    _moderate(modeladmin, request, qs, Action.REJECT)


@admin.action(description=_("Mark selected signatures as spam"), permissions=["change"])
def mark_spam(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    _moderate(modeladmin, request, qs, Action.SPAM)


@admin.action(description=_("Restore selected signatures"), permissions=["change"])
def restore_signatures(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    _moderate(modeladmin, request, qs, Action.RESTORE)


@admin.action(description=_("Resend the confirmation e-mail"), permissions=["change"])
def resend_confirmation(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    pending = qs.filter(state=Signature.State.PENDING).values_list("pk", flat=True)
    sent = [pk for pk in pending if services.resend_confirmation(pk)]
    LogEntry.objects.log_actions(
        request.user.pk,
        Signature.objects.filter(pk__in=sent),
        CHANGE,
        change_message="Confirmation e-mail sent again",
    )
    logger.info("%s: resent confirmation for %d signatures", request.user, len(sent))
    modeladmin.message_user(
        request,
        _("Sent again to %(sent)d signers; the others are confirmed or had their share of mail.")
        % {"sent": len(sent)},
    )


@admin.action(
    description=_("Export selected for a data-subject request (JSON)"),
    permissions=["personal_data"],
)
def export_personal_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet
) -> HttpResponse:
    chosen = list(qs)
    LogEntry.objects.log_actions(
        request.user.pk, chosen, CHANGE, change_message="Exported for a data-subject request"
    )
    response = JsonResponse(
        services.personal_data(chosen), safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="signatures.json"'
    return response


@admin.action(description=_("Erase selected for a data-subject request"), permissions=["delete"])
def erase_personal_data(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    reason = request.POST.get("reason", "").strip()[:200] or "no reason given"
    erased = services.erase(qs.values_list("pk", flat=True), request.user.pk, f"Erased: {reason}")
    modeladmin.message_user(request, _("%(n)d signatures erased.") % {"n": erased})


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = [
        "first_name",
        "last_name",
        "country",
        "state",
        "created_at",
        "confirmed_at",
        "campaign",
    ]
    list_filter = [
        "campaign",
        "state",
        "country",
        "contact_opt_in",
        "created_at",
        EmailDomainFilter,
        NetworkFilter,
    ]
    list_select_related = ["campaign"]
    search_fields = ["last_name"]  # see get_search_results
    search_help_text = _("An exact e-mail address, or the start of a first or last name.")
    ordering = ["-created_at"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 100
    action_form = ReasonActionForm
    actions = [
        confirm_signatures,
        reject_signatures,
        mark_spam,
        restore_signatures,
        resend_confirmation,
        export_personal_data,
        erase_personal_data,
    ]
    fields = [
        "campaign",
        ("first_name", "last_name"),
        "email",
        "country",
        "state",
        "created_at",
        "confirmed_at",
        "consent_proof",
        "contact_opt_in",
        "language",
        "network_hash",
        "emails_sent",
        "last_email_at",
        "invalidation",
    ]
    readonly_fields = [
        "campaign",
        "email",
        "state",
        "created_at",
        "confirmed_at",
        "consent_proof",
        "contact_opt_in",
        "language",
        "network_hash",
        "emails_sent",
        "last_email_at",
        "invalidation",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # signatures come from signers only

    def has_personal_data_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("signatures.export_personal_data")

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict:
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # erase_personal_data keeps counts and log right
        return actions

    @admin.display(description=_("Consent given"))
    def consent_proof(self, signature: Signature) -> str:
        wording = consent.HAND_IN.get(signature.consent_version, "?")
        return format_html(
            "“{}” (version {}, {})", wording, signature.consent_version, signature.created_at
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        # Both served by indexes: no scan of the table.
        if "@" in term:
            return queryset.filter(email_canonical=canonical_email(term)), False
        return queryset.filter(
            Q(last_name__istartswith=term) | Q(first_name__istartswith=term)
        ), False


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0
    verbose_name_plural = _("Translations (blank fields show the original text)")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
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
            _("During an attack"),
            {"fields": ["paused", "pause_message", "proof_of_work"]},
        ),
    ]

    @admin.display(description=_("Pages"))
    def links(self, campaign: Campaign) -> str:
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
        ctx = {"campaign": campaign, "form": SignatureForm(), "count": 0, "progress": 0}
        ctx["text"] = campaign.text(request.GET.get("language", campaign.language))
        ctx |= {"is_open": True, "preview": True}
        return TemplateResponse(request, "signatures/campaign.html", ctx)


@admin.action(description=_("Start the selected invalidations"), permissions=["change"])
def start_invalidations(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    for invalidation in qs.filter(state=Invalidation.State.DRAFT):
        Invalidation.objects.filter(pk=invalidation.pk).update(state=Invalidation.State.QUEUED)
        run_invalidation.enqueue(invalidation.pk)
        logger.info("%s started %s", request.user, invalidation)
    modeladmin.message_user(request, _("Started; the worker moves the signatures in batches."))


@admin.action(description=_("Cancel the selected invalidations"), permissions=["change"])
def cancel_invalidations(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    for invalidation in qs:
        if moderation.cancel(invalidation):
            logger.info("%s cancelled %s", request.user, invalidation)
    modeladmin.message_user(request, _("Cancelled. Signatures already moved stay moved."))


@admin.action(description=_("Revert the selected invalidations"), permissions=["change"])
def revert_invalidations(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    restored = sum(moderation.revert(invalidation, request.user) for invalidation in qs)
    modeladmin.message_user(request, _("%(n)d signatures restored.") % {"n": restored})


class InvalidationForm(forms.ModelForm):
    class Meta:
        model = Invalidation
        fields = [
            "campaign",
            "reason",
            "mark_as",
            "email_domain",
            "network",
            "name_pattern",
            "country",
            "created_from",
            "created_until",
        ]

    def clean_name_pattern(self) -> str:
        import re

        pattern = self.cleaned_data["name_pattern"]
        try:
            re.compile(pattern)
        except re.error as exc:
            raise forms.ValidationError(_("Not a valid regular expression: %s") % exc) from exc
        return pattern

    def clean(self) -> dict:
        data = super().clean()
        criteria = ["email_domain", "network", "name_pattern", "country", "created_from"]
        if not any(data.get(name) for name in [*criteria, "created_until"]):
            raise forms.ValidationError(_("Give at least one criterion."))
        return data


@admin.register(Invalidation)
class InvalidationAdmin(admin.ModelAdmin):
    form = InvalidationForm
    list_display = [
        "__str__",
        "campaign",
        "state",
        "matches_now",
        "matched",
        "created_by",
        "created_at",
    ]
    list_filter = ["state", "campaign"]
    list_select_related = ["campaign", "created_by"]
    actions = [start_invalidations, cancel_invalidations, revert_invalidations]
    readonly_fields = ["state", "matches_now", "matched", "created_by", "created_at", "finished_at"]

    @admin.display(description=_("Matching now"))
    def matches_now(self, invalidation: Invalidation) -> int | str:
        if invalidation.pk is None:
            return _("Save the draft to see how many signatures match.")
        return moderation.invalidation_queryset(invalidation).count()

    def has_change_permission(self, request: HttpRequest, obj: Invalidation | None = None) -> bool:
        if obj is not None and obj.state != Invalidation.State.DRAFT:
            return False  # criteria of a run are fixed, so its record stays true
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Invalidation | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Invalidation, form: forms.Form, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class HandInActionForm(ActionForm):
    where = forms.CharField(
        label=_("Handed in at"), required=False, max_length=200, help_text=_("Embassy or city.")
    )


@admin.action(description=_("Mark the selected batches handed in"), permissions=["export"])
def mark_handed_in(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    where = request.POST.get("where", "").strip()[:200]
    done = [b for b in qs if batches.mark_handed_in(b, where)]
    for batch in done:
        logger.info("%s marked %s handed in at %s", request.user, batch, where)
        modeladmin.log_change(request, batch, f"Handed in at {where}")
    modeladmin.message_user(request, _("%(n)d batches marked handed in.") % {"n": len(done)})


@admin.action(description=_("Cancel the selected batches"), permissions=["export"])
def cancel_batches(modeladmin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    returned = sum(batches.cancel(batch) for batch in qs)
    logger.info("%s cancelled batches %s", request.user, [b.pk for b in qs])
    modeladmin.message_user(
        request, _("Cancelled; %(n)d signatures are back in the pool.") % {"n": returned}
    )


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "campaign",
        "country",
        "state",
        "signature_count",
        "created_at",
        "created_by",
        "handed_in_at",
        "handed_in_where",
        "downloads",
    ]
    list_filter = ["state", "campaign", "country"]
    list_select_related = ["campaign", "created_by"]
    action_form = HandInActionForm
    actions = [mark_handed_in, cancel_batches]
    fields = [
        "campaign",
        "country",
        "state",
        "signature_count",
        "checksum",
        "created_by",
        "created_at",
        "handed_in_at",
        "handed_in_where",
        "cancelled_at",
    ]
    readonly_fields = [
        "campaign",
        "country",
        "state",
        "signature_count",
        "checksum",
        "created_by",
        "created_at",
        "cancelled_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made from the campaign's batch table

    def has_delete_permission(self, request: HttpRequest, obj: Batch | None = None) -> bool:
        return False  # cancelled, never deleted: every batch stays accounted for

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("signatures.export_signatures")

    def has_view_permission(self, request: HttpRequest, obj: Batch | None = None) -> bool:
        return self.has_export_permission(request) and super().has_view_permission(request, obj)

    @admin.display(description=_("Files"))
    def downloads(self, batch: Batch) -> str:
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">PDF</a>',
            reverse("admin:signatures_batch_csv", args=[batch.pk]),
            reverse("admin:signatures_batch_pdf", args=[batch.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/csv/", view(exports.batch_csv), name="signatures_batch_csv"),
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
        if request.method == "POST":
            country = request.POST.get("country", "")
            made = (
                batches.create_all(campaign, request.user)
                if country == "all"
                else [b for b in [batches.create(campaign, country, request.user)] if b]
            )
            for batch in made:
                self.log_addition(request, batch, f"{batch.signature_count} signatures")
            self.message_user(request, _("%(n)d batches made.") % {"n": len(made)})
            return HttpResponseRedirect(request.path)
        ctx = {
            **self.admin_site.each_context(request),
            "title": _("Hand-in batches: %s") % campaign.title,
            "opts": self.opts,
            "campaign": campaign,
            "table": batches.country_table(campaign),
        }
        return TemplateResponse(request, "admin/signatures/batch/campaign.html", ctx)
