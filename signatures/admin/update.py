"""Updates to signers: written per language, previewed, tried on oneself, sent, stopped."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext
from django.views.decorators.http import require_POST
from django_countries import countries

from signatures.admin.common import mails_sent, staff_id, staff_name, with_mail_counts
from signatures.mail import emails, tasks, updates
from signatures.models import Message, Signature, Update

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SEND = "signatures.send_update"


def own_address(request: HttpRequest) -> str:
    """The staff member's own address, for a test."""
    return str(getattr(request.user, "email", "") or "")


class UpdateForm(forms.ModelForm[Update]):
    countries = forms.MultipleChoiceField(
        label=gettext_lazy("Only to signers in these countries"),
        required=False,
        choices=list(countries),
        help_text=gettext_lazy("Leave empty for every signer who asked to be kept informed."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Update
        fields = ["campaign"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in LANGUAGES:
            self.initial.setdefault(f"subject_{code}", self.instance.subjects.get(code, ""))
            self.initial.setdefault(f"text_{code}", self.instance.texts.get(code, ""))
        self.initial.setdefault("countries", self.instance.countries)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        campaign = data.get("campaign")
        if campaign is not None:
            language = campaign.language
            for part in ("subject", "text"):
                if not str(data.get(f"{part}_{language}", "")).strip():
                    self.add_error(
                        f"{part}_{language}",
                        _(
                            "Needed in the campaign's language: signers in other languages "
                            "get this text where theirs is empty."
                        ),
                    )
        return data

    def save(self, commit: bool = True) -> Update:
        update = super().save(commit=False)
        data = self.cleaned_data
        update.subjects = {
            c: data[f"subject_{c}"].strip() for c in LANGUAGES if data[f"subject_{c}"].strip()
        }
        update.texts = {
            c: data[f"text_{c}"].strip() for c in LANGUAGES if data[f"text_{c}"].strip()
        }
        update.countries = sorted(data["countries"])
        if commit:
            update.save()
        return update


def _in_language(template: str, name: str) -> str:
    return _(template) % {"language": _(name)}


# One subject and one text per language the site speaks, declared on the class
# so the admin's form factory and fieldsets know them.
for _code, _name in settings.LANGUAGES:
    UpdateForm.declared_fields[f"subject_{_code}"] = forms.CharField(
        label=lazy(_in_language, str)(gettext_noop("Subject in %(language)s"), _name),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"lang": _code, "dir": "auto", "size": 60}),
    )
    UpdateForm.declared_fields[f"text_{_code}"] = forms.CharField(
        label=lazy(_in_language, str)(gettext_noop("Text in %(language)s"), _name),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"lang": _code, "dir": "auto", "rows": 8}),
    )
UpdateForm.base_fields.update(
    {k: v for k, v in UpdateForm.declared_fields.items() if k not in UpdateForm.base_fields}
)


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin[Update]):
    form = UpdateForm
    list_display = ["__str__", "campaign", "state", "sent", "who", "created_at"]
    list_filter = ["campaign", "state"]
    list_select_related = ["campaign", "created_by"]

    def get_fieldsets(self, request: HttpRequest, obj: Update | None = None) -> Any:
        per_language = [
            (_(name), {"fields": [f"subject_{code}", f"text_{code}"]})
            for code, name in settings.LANGUAGES
        ]
        return [(None, {"fields": ["campaign", "countries"]}), *per_language]

    @admin.display(description=gettext_lazy("written by"))
    def who(self, update: Update) -> str:
        return staff_name(update.created_by)

    @admin.display(description=gettext_lazy("sent"))
    def sent(self, update: Update) -> str:
        if update.state == Update.State.DRAFT:
            return "-"
        return mails_sent(update)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Update]:
        return with_mail_counts(super().get_queryset(request), Message.Kind.UPDATE)

    def has_change_permission(self, request: HttpRequest, obj: Update | None = None) -> bool:
        # Once sending began, the text is what signers got: it stays as it is.
        if obj is not None and obj.state != Update.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Update | None = None) -> bool:
        return obj is None or obj.state == Update.State.DRAFT

    def save_model(self, request: HttpRequest, obj: Update, form: Any, change: bool) -> None:
        if not change:
            obj.created_by_id = staff_id(request)
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: Update, post_url_continue: str | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:signatures_update_send", args=[obj.pk]))

    def response_change(self, request: HttpRequest, obj: Update) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:signatures_update_send", args=[obj.pk]))

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/send/", view(self.send_view), name="signatures_update_send"),
            path(
                "<int:pk>/send/<str:action>/",
                view(require_POST(self.act)),
                name="signatures_update_act",
            ),
            *super().get_urls(),
        ]

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Preview in every language, a test to oneself, then send; progress while it goes."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        update = get_object_or_404(Update.objects.select_related("campaign"), pk=pk)
        sample = Signature(
            campaign=update.campaign,
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.org",
            country="GB",
        )
        previews = []
        for code, name in settings.LANGUAGES:
            subject, text, _html = emails.render_update(update, sample, code)
            previews.append(
                {
                    "code": code,
                    "name": _(name),
                    "subject": subject,
                    "text": text,
                    "fallback": code not in update.texts,
                }
            )
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Preview and send: %s") % update,
            "update": update,
            "previews": previews,
            "recipients": updates.recipients(update).count(),
            "progress": updates.progress(update) if update.state != Update.State.DRAFT else None,
            "can_send": request.user.has_perm(SEND),
            "can_edit": self.has_change_permission(request, update),
            "own_address": own_address(request),
        }
        return TemplateResponse(request, "admin/signatures/update/send.html", ctx)

    def act(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if not request.user.has_perm(SEND):
            raise PermissionDenied
        update = get_object_or_404(Update.objects.select_related("campaign"), pk=pk)
        user_id = staff_id(request)
        back = HttpResponseRedirect(reverse("admin:signatures_update_send", args=[pk]))
        if action == "test":
            language = str(request.POST.get("language", ""))
            address = own_address(request)
            if language not in LANGUAGES or not address:
                messages.error(
                    request, _("A test needs a language and an e-mail address on your account.")
                )
                return back
            try:
                emails.mail_update_test(update, address, language)
            except OSError as exc:
                messages.error(request, _("The test could not be sent: %s") % exc)
            else:
                messages.success(request, _("A test was sent to %s.") % address)
        elif action == "send" and updates.start_sending(update.pk, user_id):
            tasks.queue_update.enqueue(update.pk)
            messages.success(request, _("The update is being sent."))
        elif action == "stop":
            held = updates.stop(update.pk, user_id)
            messages.success(
                request,
                ngettext("Stopped; %(n)d mail waits.", "Stopped; %(n)d mails wait.", held)
                % {"n": held},
            )
        elif action == "resume":
            waiting = updates.resume(update.pk, user_id)
            messages.success(
                request,
                ngettext("Resumed; %(n)d mail goes out.", "Resumed; %(n)d mails go out.", waiting)
                % {"n": waiting},
            )
        return back
