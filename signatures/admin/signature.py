"""Moderating signatures: the list staff work through, and its bulk actions."""

import logging
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import ActionLocation
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petition_site.lib.addresses import canonical_email
from signatures import counts, privacy
from signatures.admin import page
from signatures.admin.common import (
    AgeFilter,
    BouncingFilter,
    CappedCountPaginator,
    DuplicateFilter,
    EmailDomainFilter,
    NetworkFilter,
    ReasonActionForm,
    SourceFilter,
    StaffConfirmedFilter,
    UsedCountryFilter,
    reason,
    staff_id,
)
from signatures.models import Campaign, Signature, SignatureQuerySet
from signatures.moderation import states as moderation
from signatures.moderation.states import Action
from signatures.signing import consent, services

logger = logging.getLogger(__name__)


Admin = admin.ModelAdmin[Signature]
Signatures = QuerySet[Signature]


def _moderate(
    modeladmin: Admin, request: HttpRequest, queryset: Signatures, action: Action
) -> None:
    why = reason(request)
    moved = moderation.move(queryset, action, staff_id(request), why)
    # The public count shows a moderator's change at once, not at the next refresh.
    for campaign in Campaign.objects.filter(pk__in=queryset.values("campaign_id")):
        counts.refresh(campaign)
    logger.info("%s: %s on %d signatures (%s)", request.user, action, moved, why)
    message = ngettext("%(n)d signature changed.", "%(n)d signatures changed.", moved)
    modeladmin.message_user(request, message % {"n": moved})


@admin.action(
    description=_("Release held signatures whose owners confirmed"), permissions=["change"]
)
def release_signatures(modeladmin: Admin, request: HttpRequest, qs: Signatures) -> None:
    _moderate(modeladmin, request, qs, Action.RELEASE)


@admin.action(description=_("Confirm without e-mail proof…"), permissions=["change"])
def confirm_signatures(
    modeladmin: Admin, request: HttpRequest, qs: Signatures
) -> TemplateResponse | None:
    """Count signatures whose owners may never have seen them: only after staff say so twice."""
    if request.POST.get("post") != "yes":
        unproven = qs.filter(
            state__in=[Signature.State.PENDING, Signature.State.HELD], confirmed_at__isnull=True
        ).count()
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Confirm without e-mail proof?"),
            "opts": modeladmin.model._meta,
            "selected": qs.values_list("pk", flat=True),
            "selected_count": qs.count(),
            "unproven": unproven,
            "reason": reason(request),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/signatures/signature/confirm_without_proof.html", context
        )
    _moderate(modeladmin, request, qs, Action.CONFIRM)
    return None


@admin.action(description=_("Reject selected signatures"), permissions=["change"])
def reject_signatures(modeladmin: Admin, request: HttpRequest, qs: Signatures) -> None:
    _moderate(modeladmin, request, qs, Action.REJECT)


@admin.action(description=_("Mark selected signatures as spam"), permissions=["change"])
def mark_spam(modeladmin: Admin, request: HttpRequest, qs: Signatures) -> None:
    _moderate(modeladmin, request, qs, Action.SPAM)


@admin.action(description=_("Restore selected signatures"), permissions=["change"])
def restore_signatures(modeladmin: Admin, request: HttpRequest, qs: Signatures) -> None:
    _moderate(modeladmin, request, qs, Action.RESTORE)


@admin.action(description=_("Resend the confirmation e-mail"), permissions=["change"])
def resend_confirmation(modeladmin: Admin, request: HttpRequest, qs: Signatures) -> None:
    sent = services.resend_confirmations(qs, staff_id(request))
    logger.info("%s: resent confirmation for %d signatures", request.user, sent)
    message = ngettext(
        "Sent again to %(sent)d signer; the others are confirmed or had their share of mail.",
        "Sent again to %(sent)d signers; the others are confirmed or had their share of mail.",
        sent,
    )
    modeladmin.message_user(request, message % {"sent": sent})


@admin.action(
    description=_("Export selected for a data-subject request (JSON)"),
    permissions=["personal_data"],
)
def export_personal_data(modeladmin: Admin, request: HttpRequest, qs: Signatures) -> HttpResponse:
    chosen = list(qs)
    LogEntry.objects.log_actions(
        staff_id(request), chosen, CHANGE, change_message="Exported for a data-subject request"
    )
    response = JsonResponse(
        privacy.personal_data(chosen), safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="signatures.json"'
    return response


@admin.action(description=_("Erase selected for a data-subject request"), permissions=["delete"])
def erase_personal_data(modeladmin: Admin, request: HttpRequest, qs: Signatures) -> None:
    why = reason(request, "no reason given")
    erased = privacy.erase(qs.values_list("pk", flat=True), staff_id(request), f"Erased: {why}")
    message = ngettext("%(n)d signature erased.", "%(n)d signatures erased.", erased)
    modeladmin.message_user(request, message % {"n": erased})


class SignatureChangeForm(forms.ModelForm[Signature]):
    class Meta:
        model = Signature
        fields = ["country"]

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"])
        if self.instance.batch_id and country != self.instance.country.code:
            raise forms.ValidationError(_("In a hand-in batch: cancel the batch first."))
        return country


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin[Signature]):
    form = SignatureChangeForm
    list_display = [
        "name",
        "domain",
        "country",
        "state",
        "why_held",
        "source",
        "age",
    ]
    list_filter = [
        "campaign",
        "state",
        "hold_reason",
        AgeFilter,
        UsedCountryFilter,
        BouncingFilter,
        DuplicateFilter,
        StaffConfirmedFilter,
        "contact_opt_in",
        EmailDomainFilter,
        NetworkFilter,
        SourceFilter,
    ]
    search_fields = ["last_name"]  # see get_search_results
    search_help_text = _(
        "An e-mail address, a domain (mailinator.com or @mailinator.com), "
        "or the start of a given or family name."
    )
    ordering = ["-created_at"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 100
    action_form = ReasonActionForm
    actions = [
        release_signatures,
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
        "hold_reason",
        "created_at",
        ("confirmed_at", "confirmed_by_staff_at"),
        "consent_proof",
        "contact_opt_in",
        "language",
        "source",
        "network_hash",
        ("emails_sent", "emails_delivered", "last_email_at"),
        ("bounced_at", "bounce_reason"),
        "invalidation",
        "duplicate_of",
    ]
    # Names are corrected by their owner on the confirmation page, never by staff.
    readonly_fields = [
        "campaign",
        "first_name",
        "last_name",
        "email",
        "state",
        "created_at",
        "confirmed_at",
        "confirmed_by_staff_at",
        "consent_proof",
        "contact_opt_in",
        "language",
        "source",
        "network_hash",
        "emails_sent",
        "emails_delivered",
        "last_email_at",
        "bounced_at",
        "bounce_reason",
        "invalidation",
        "hold_reason",
        "duplicate_of",
    ]

    @admin.display(description=_("Name"), ordering="last_name")
    def name(self, signature: Signature) -> str:
        return signature.full_name

    @admin.display(description=_("E-mail domain"))
    def domain(self, signature: Signature) -> SafeString:
        domain = signature.address_domain
        return format_html('<a href="?domain={}">{}</a>', domain, domain)

    @admin.display(description=_("Why held"), ordering="hold_reason")
    def why_held(self, signature: Signature) -> str:
        if signature.hold_reason:
            return signature.get_hold_reason_display()
        return self.get_empty_value_display()

    @admin.display(description=_("Signed"), ordering="created_at")
    def age(self, signature: Signature) -> SafeString:
        when = localtime(signature.created_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            when.isoformat(),
            date_format(when, "DATETIME_FORMAT"),
            _("%(time)s ago") % {"time": timesince(when, depth=1)},
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # signatures come from signers only

    def save_model(
        self, request: HttpRequest, obj: Signature, form: forms.ModelForm[Signature], change: bool
    ) -> None:
        # Only the country is editable here; the counts move with it.
        if change and "country" in form.changed_data:
            moderation.change_country(obj.pk, obj.country.code, staff_id(request))
            counts.refresh(obj.campaign)

    def get_urls(self) -> list[URLPattern]:
        moderate = self.admin_site.admin_view(self.moderate_view)
        return [
            path("<int:pk>/moderate/", moderate, name="signatures_signature_moderate"),
            *super().get_urls(),
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Signature | None = None,
    ) -> HttpResponse:
        """The signature's page, with its decisions and history beside the fields."""
        if obj is not None:
            can_change = self.has_change_permission(request, obj)
            context["decisions"] = page.decisions(obj) if can_change else []
            context["history"] = page.history(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def moderate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """One of the buttons on a signature's own page: its decision, then back to it."""
        signature = get_object_or_404(Signature, pk=pk)
        back = reverse("admin:signatures_signature_change", args=[pk])
        if request.method != "POST" or not self.has_change_permission(request, signature):
            return HttpResponseRedirect(back)
        action = str(request.POST.get("action", ""))
        if action not in {value for value, _label in page.decisions(signature)}:
            self.message_user(request, _("That is no longer possible here."), messages.WARNING)
        elif action == Action.CONFIRM and not reason(request):
            self.message_user(
                request, _("Give a reason to confirm without e-mail proof."), messages.ERROR
            )
        else:
            _moderate(self, request, Signature.objects.filter(pk=pk), Action(action))
        return HttpResponseRedirect(back)

    def has_personal_data_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("signatures.export_personal_data")

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
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
        self, request: HttpRequest, queryset: Signatures, search_term: str
    ) -> tuple[Signatures, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        # Each served by an index: no scan of the table.
        signatures = cast(SignatureQuerySet, queryset)
        if term.startswith("@"):
            return signatures.of_domain(term), False
        if "@" in term:
            return signatures.filter(email_canonical=canonical_email(term)), False
        names = signatures.filter(Q(last_name__istartswith=term) | Q(first_name__istartswith=term))
        if "." in term and " " not in term:  # mailinator.com, or a name such as "J.R."
            return names | signatures.of_domain(term), False
        return names, False
