"""Invalidations: staff move every signature matching some criteria out of the count."""

import logging

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from signatures.admin.common import staff_id, staff_name
from signatures.models import Invalidation
from signatures.moderation import invalidations
from signatures.moderation import states as moderation

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 50

Admin = admin.ModelAdmin[Invalidation]
Invalidations = QuerySet[Invalidation]


@admin.action(description=_("Start the selected invalidations"), permissions=["change"])
def start_invalidations(modeladmin: Admin, request: HttpRequest, qs: Invalidations) -> None:
    started = invalidations.start(qs, staff_id(request))
    message = ngettext(
        "%(n)d invalidation started; the signatures are moved in the background.",
        "%(n)d invalidations started; the signatures are moved in the background.",
        started,
    )
    modeladmin.message_user(request, message % {"n": started})


@admin.action(description=_("Cancel the selected invalidations"), permissions=["change"])
def cancel_invalidations(modeladmin: Admin, request: HttpRequest, qs: Invalidations) -> None:
    for invalidation in qs:
        if invalidations.cancel_invalidation(invalidation):
            logger.info("%s cancelled %s", request.user, invalidation)
    modeladmin.message_user(request, _("Cancelled. Signatures already moved stay moved."))


@admin.action(description=_("Revert the selected invalidations"), permissions=["change"])
def revert_invalidations(modeladmin: Admin, request: HttpRequest, qs: Invalidations) -> None:
    restored = sum(invalidations.revert(invalidation, staff_id(request)) for invalidation in qs)
    message = ngettext("%(n)d signature restored.", "%(n)d signatures restored.", restored)
    modeladmin.message_user(request, message % {"n": restored})


class InvalidationForm(forms.ModelForm[Invalidation]):
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
        pattern = str(self.cleaned_data["name_pattern"])
        if pattern and (error := moderation.pattern_error(pattern)):
            raise forms.ValidationError(_("Not a valid regular expression: %s") % error)
        return pattern


@admin.register(Invalidation)
class InvalidationAdmin(admin.ModelAdmin[Invalidation]):
    form = InvalidationForm
    list_display = [
        "__str__",
        "campaign",
        "state",
        "matched",
        "created_by",
        "created_at",
    ]
    list_filter = ["state", "campaign"]
    list_select_related = ["campaign", "created_by"]
    actions = [start_invalidations, cancel_invalidations, revert_invalidations]
    readonly_fields = ["state", "matches_now", "matched", "made_by", "created_at", "finished_at"]

    @admin.display(description=_("created by"))
    def made_by(self, invalidation: Invalidation) -> str:
        return staff_name(invalidation.created_by if invalidation.created_by_id else None)

    @admin.display(description=_("Matching now"))
    def matches_now(self, invalidation: Invalidation) -> str:
        if invalidation.pk is None:
            return str(_("Save the draft to see whom it would hit."))
        found = moderation.matching_now(invalidation)
        first = moderation.preview(invalidation, PREVIEW_ROWS)
        if found is None or first is None:
            return str(_("The name pattern does not run."))
        shown = ngettext(
            "%(n)d signature matches.",
            "%(n)d signatures match; the first %(shown)d:",
            found,
        ) % {"n": found, "shown": len(first)}
        if not first:
            return shown
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    s.full_name,
                    s.address_domain,
                    s.country.name,
                    date_format(localtime(s.created_at), "SHORT_DATETIME_FORMAT"),
                )
                for s in first
            ),
        )
        return format_html(
            '<p>{}</p><table class="preview"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            shown,
            _("Name"),
            _("E-mail domain"),
            _("Country"),
            _("Signed"),
            rows,
        )

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
            obj.created_by_id = staff_id(request)
        super().save_model(request, obj, form, change)
