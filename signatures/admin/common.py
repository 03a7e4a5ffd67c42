"""What the model admins share: a paginator for big lists, filters, the reason field."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from signatures.models import Message
from signatures.signing import sources

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from signatures.models import SignatureQuerySet


class CappedCountPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most CAP rows, so a filtered list of a million stays fast."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return rows[: self.CAP + 1].count()


class ReasonActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=200, help_text=_("Kept in the audit log.")
    )


class EmailDomainFilter(admin.SimpleListFilter):
    """?domain=example.org, linked from the dashboard's suspicious panel."""

    title = _("e-mail domain")
    parameter_name = "domain"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, value)] if value else []

    def has_output(self) -> bool:
        return bool(self.value())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if value := self.value():
            return cast("SignatureQuerySet", queryset).of_domain(value)
        return queryset


class NetworkFilter(admin.SimpleListFilter):
    """?network=<hash>, linked from the dashboard's suspicious panel."""

    title = _("network (anonymised)")
    parameter_name = "network"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, value[:12] + "…")] if value else []

    def has_output(self) -> bool:
        return bool(self.value())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if value := self.value():
            return queryset.filter(network_hash=value)
        return queryset


class FlagFilter(admin.SimpleListFilter):
    """Rows where ``field`` is set ("yes") or not ("no")."""

    field = ""
    yes: "StrOrPromise" = ""
    no: "StrOrPromise" = ""

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in [("yes", self.yes), ("no", self.no)]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class BouncingFilter(FlagFilter):
    """Signers whose address the mail server refused for good."""

    title = _("e-mail address")
    parameter_name = "bouncing"
    field = "bounced_at"
    yes, no = _("Bouncing"), _("Delivered or waiting")


class DuplicateFilter(FlagFilter):
    """Signatures whose address an earlier signature of the campaign shares (see rekeying)."""

    title = _("possible duplicate")
    parameter_name = "duplicate"
    field = "duplicate_of"
    yes, no = _("Shares an address with an earlier signature"), _("No earlier signature")


class StaffConfirmedFilter(FlagFilter):
    """Signatures staff counted without their owner's e-mail proof."""

    title = _("proof of address")
    parameter_name = "confirmed_by_staff"
    field = "confirmed_by_staff_at"
    yes, no = _("Confirmed by staff without e-mail proof"), _("E-mail proof or none needed")


def staff_id(request: HttpRequest) -> int:
    """The signed-in staff member's id: the admin lets nobody else this far."""
    user_id = request.user.pk
    if user_id is None:
        raise PermissionDenied
    return user_id


def staff_name(user: Any) -> str:
    """Who made something, as a name rather than a link: only superusers open accounts."""
    return str(user.get_username()) if user is not None else "-"


def reason(request: HttpRequest, default: str = "") -> str:
    """The reason staff gave for a bulk action, for the audit log."""
    return str(request.POST.get("reason", "")).strip()[:200] or default


class SourceFilter(admin.SimpleListFilter):
    """Where signatures came from: the known sources, not every value stored."""

    title = _("source")
    parameter_name = "source"
    NONE = "-"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [
            (self.NONE, str(_("This site, untagged"))),
            (sources.PAPER, str(_("Paper sheets"))),
            *((s, s) for s in sources.known()),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if (value := self.value()) is not None:
            return queryset.filter(source="" if value == self.NONE else value)
        return queryset


class AgeFilter(admin.SimpleListFilter):
    """How long ago they signed: the admin home links "over a day ago" for pending ones."""

    title = _("signed")
    parameter_name = "age"
    SPANS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, "StrOrPromise"]]:
        return [
            ("hour", _("In the last hour")),
            ("day", _("In the last 24 hours")),
            ("week", _("In the last 7 days")),
            ("older", _("Over a day ago")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value, now = self.value(), timezone.now()
        if value in self.SPANS:
            return queryset.filter(created_at__gte=now - self.SPANS[value])
        if value == "older":
            return queryset.filter(created_at__lt=now - self.SPANS["day"])
        return queryset


class UsedCountryFilter(admin.SimpleListFilter):
    """Only the countries signatures came from, not all 250."""

    title = _("country")
    parameter_name = "country__exact"  # the links the dashboard made still work
    CACHE_SECONDS = 300

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        # A scan of the country index: kept a few minutes, not made per page view.
        codes = caches["local"].get_or_set(
            f"admin:used-countries:{model_admin.model._meta.label}",
            lambda: list(
                model_admin.model._default_manager.order_by()
                .values_list("country", flat=True)
                .distinct()
            ),
            self.CACHE_SECONDS,
        )
        named = ((code, str(countries.name(code))) for code in codes or [])
        return sorted(named, key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if value := self.value():
            return queryset.filter(country=value)
        return queryset


def with_mail_counts(queryset: QuerySet[Any], kind: str) -> QuerySet[Any]:
    """Each row (a hand-in or an update) with how many of its mails are queued and sent,
    counted in the list's own query (``mails_queued``, ``mails_sent``)."""
    mails = Message.objects.filter(kind=kind, ref=OuterRef("pk")).order_by().values("ref")

    def counted(rows: QuerySet[Message, Any]) -> Coalesce:
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

    counts: QuerySet[Any] = queryset.annotate(
        mails_queued=counted(mails), mails_sent=counted(mails.filter(sent_at__isnull=False))
    )
    return counts


def mails_sent(row: Any) -> str:
    """ "12 of 40": the counts ``with_mail_counts`` added."""
    return str(_("%(sent)d of %(all)d") % {"sent": row.mails_sent, "all": row.mails_queued})
