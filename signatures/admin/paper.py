"""Paper signatures: a sheet typed in row by row, a spreadsheet uploaded whole, withdrawn whole."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from signatures import counts
from signatures.admin.common import staff_id, staff_name
from signatures.models import PaperEntry, Signature
from signatures.paper import services
from signatures.paper.forms import RowForm, UploadForm
from signatures.paper.rows import BadFile
from signatures.signing.sheets import normalise_code

# What the entry page keeps from one row to the next.
KEPT = ["campaign", "language", "sheet_code", "country"]
ENTER = "signatures.enter_paper_signatures"
SIGNED_ALREADY = gettext_lazy("This address has signed already: one address, one signature.")


@admin.action(description=gettext_lazy("Withdraw their signatures"), permissions=["change"])
def withdraw_entries(
    modeladmin: "PaperEntryAdmin", request: HttpRequest, queryset: QuerySet[PaperEntry]
) -> None:
    withdrawn, refused, campaigns = 0, [], {}
    for entry in queryset.filter(withdrawn_at__isnull=True).select_related("campaign"):
        try:
            withdrawn += services.withdraw_entry(entry.pk, staff_id(request))
        except services.Batched:
            refused.append(str(entry))
        campaigns[entry.campaign_id] = entry.campaign
    # The public count shows the withdrawal at once, each campaign refreshed once.
    for campaign in campaigns.values():
        counts.refresh(campaign)
    message = ngettext(
        "%(n)d paper signature withdrawn.", "%(n)d paper signatures withdrawn.", withdrawn
    )
    modeladmin.message_user(request, message % {"n": withdrawn})
    if refused:
        modeladmin.message_user(
            request,
            _("Not withdrawn, because some of their signatures are in a hand-in batch: %s")
            % ", ".join(refused),
            messages.ERROR,
        )


@admin.register(PaperEntry)
class PaperEntryAdmin(admin.ModelAdmin[PaperEntry]):
    list_display = ["__str__", "campaign", "kind", "language", "who", "created_at", "count"]
    list_filter = ["campaign", "kind", ("withdrawn_at", admin.EmptyFieldListFilter)]
    list_select_related = ["campaign", "entered_by"]
    search_fields = ["sheet_code", "file_name"]
    actions = [withdraw_entries]
    readonly_fields = [
        "campaign",
        "kind",
        "sheet_code",
        "file_name",
        "language",
        "who",
        "created_at",
        "withdrawn_at",
        "withdrawn_count",
    ]
    fields = [*readonly_fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PaperEntry]:
        return super().get_queryset(request).annotate(n=Count("signatures"))

    @admin.display(description=gettext_lazy("entered by"))
    def who(self, entry: PaperEntry) -> str:
        return staff_name(entry.entered_by)

    @admin.display(description=gettext_lazy("signatures"), ordering="n")
    def count(self, entry: PaperEntry) -> int:
        return getattr(entry, "n", 0)

    # Volunteers may type in and upload; seeing and withdrawing entries is for organisers.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(ENTER) or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ENTER) or super().has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ENTER)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="signatures_paperentry_upload"),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request, {**(extra_context or {}), "can_enter": request.user.has_perm(ENTER)}
        )

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The data-entry page: one row after another, the sheet's code and country kept."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        duplicates: list[Signature] = []
        if request.method == "POST":
            form = RowForm(request.POST)
            if form.is_valid() and form.row is not None:
                data, row = form.cleaned_data, form.row
                campaign = data["campaign"]
                duplicates = [] if row.email else services.likely_duplicates(campaign, row)
                if duplicates and not data["enter_anyway"]:
                    form.add_error(None, _("Someone of this name and country has signed already."))
                else:
                    try:
                        signature = services.enter_row(
                            campaign,
                            row,
                            sheet_code=data["sheet_code"],
                            language=data["language"],
                            user_id=staff_id(request),
                        )
                    except services.AlreadySigned:
                        form.add_error("email", SIGNED_ALREADY)
                    else:
                        kept = {name: data[name] for name in KEPT}
                        kept["campaign"] = campaign.pk
                        messages.success(
                            request,
                            _("Saved: %(name)s, %(country)s.")
                            % {"name": signature.full_name, "country": signature.country.name},
                        )
                        return HttpResponseRedirect(f"{request.path}?{urlencode(kept)}")
        else:
            initial = {name: request.GET[name] for name in KEPT if name in request.GET}
            initial.setdefault("language", request.LANGUAGE_CODE)
            form = RowForm(initial=initial)
        return self._entry_page(request, form, duplicates)

    def _entry_page(
        self, request: HttpRequest, form: RowForm, duplicates: list[Signature]
    ) -> TemplateResponse:
        code = normalise_code(str(form["sheet_code"].value() or ""))
        campaign_id = str(form["campaign"].value() or "")
        sheet = []
        if code and campaign_id.isdigit():
            sheet = list(
                Signature.objects.filter(campaign_id=int(campaign_id), sheet_code=code)
                .order_by("created_at", "pk")
                .values_list("first_name", "last_name", "country")
            )
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Type in a collection sheet"),
            "form": form,
            "duplicates": duplicates,
            "sheet": sheet,
            "sheet_code": code,
        }
        return TemplateResponse(request, "admin/signatures/paperentry/enter.html", ctx)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """A spreadsheet export checked whole: a report of every bad row, or all rows stored."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        checked = None
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                checked = services.check_upload(data["campaign"], upload.read())
            except BadFile as exc:
                form.add_error("file", str(exc))
            else:
                if checked.clean and not checked.rows:
                    form.add_error("file", _("The file has no rows below its first line."))
                elif checked.clean:
                    return self._store(request, data, checked, upload.name)
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Upload paper signatures"),
            "form": form,
            "checked": checked,
        }
        return TemplateResponse(request, "admin/signatures/paperentry/upload.html", ctx)

    def _store(
        self, request: HttpRequest, data: dict[str, Any], checked: services.Checked, name: str
    ) -> HttpResponse:
        try:
            entry = services.store_upload(
                data["campaign"],
                [row for _line, row in checked.rows],
                file_name=name,
                language=data["language"],
                user_id=staff_id(request),
            )
        except services.AlreadySigned:
            messages.error(
                request,
                _(
                    "An address in the file signed while it was checked. Nothing was stored: "
                    "upload it again to see which."
                ),
            )
            return HttpResponseRedirect(request.path)
        counts.refresh(entry.campaign)
        n = len(checked.rows)
        messages.success(
            request,
            ngettext(
                "%(n)d paper signature stored from %(file)s.",
                "%(n)d paper signatures stored from %(file)s.",
                n,
            )
            % {"n": n, "file": name},
        )
        if checked.likely_duplicates:
            lines = ", ".join(str(line) for line in checked.likely_duplicates[:50])
            messages.warning(
                request,
                _(
                    "Stored, but these lines have the name and country of an earlier signature "
                    "and no e-mail address; check whether they are the same person: %(lines)s"
                )
                % {"lines": lines},
            )
        return HttpResponseRedirect(reverse("admin:signatures_paperentry_change", args=[entry.pk]))
