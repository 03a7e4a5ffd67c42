"""The admin home: per campaign, what waits and the pages an organiser works from."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signatures.models import Campaign, Signature
from signatures.moderation.waiting import Trend, waiting
from signatures.staff.roles import can_hand_in


@dataclass(frozen=True)
class Item:
    text: str
    url: str
    fix_url: str = ""  # an invalidation drafted with the criteria filled in


def signatures_url(campaign: Campaign, **filters: str) -> str:
    query = {"campaign__id__exact": str(campaign.pk), **filters}
    return reverse("admin:signatures_signature_changelist") + "?" + urlencode(query)


def _trend_item(campaign: Campaign, trend: Trend, can_invalidate: bool) -> Item:
    add = reverse("admin:signatures_invalidation_add")
    if trend.kind == "domain":
        text = ngettext(
            "%(n)d signature from %(domain)s in the last hour",
            "%(n)d signatures from %(domain)s in the last hour",
            trend.count,
        ) % {"n": trend.count, "domain": trend.value}
        criteria = {"email_domain": trend.value}
        url = signatures_url(campaign, domain=trend.value)
    else:
        text = ngettext(
            "%(n)d signature from one network in the last hour",
            "%(n)d signatures from one network in the last hour",
            trend.count,
        ) % {"n": trend.count}
        criteria = {"network": trend.value}
        url = signatures_url(campaign, network=trend.value)
    query = {"campaign": campaign.pk, **criteria}
    fix = f"{add}?{urlencode(query)}" if can_invalidate else ""
    return Item(text, url, fix)


def campaign_pages(campaign: Campaign, hand_in: bool) -> list[tuple[str, str]]:
    """(label, address) of the staff pages of ``campaign``: the hand-in page only for
    those who may open it (``roles.can_hand_in``)."""
    pages = [(_("Dashboard"), reverse("admin:signatures_campaign_dashboard", args=[campaign.pk]))]
    if hand_in:
        url = reverse("admin:signatures_batch_campaign", args=[campaign.pk])
        pages.append((_("Hand-in batches"), url))
    return pages


def queue(request: HttpRequest) -> list[dict[str, Any]]:
    """Per campaign, newest first: what waits (for those who moderate) and its pages."""
    user = request.user
    can_moderate = user.has_perm("signatures.change_signature")
    can_invalidate = user.has_perm("signatures.add_invalidation")
    hand_in = can_hand_in(user)
    if not user.has_perm("signatures.view_signature"):
        return []
    found = waiting(timezone.now()) if can_moderate else {}
    rows = []
    for campaign in Campaign.objects.order_by("-opens_at"):
        items = []
        now_waiting = found.get(campaign.pk)
        if now_waiting:
            for reason, n in sorted(now_waiting.held.items()):
                label = Signature.HoldReason(reason).label if reason else _("No reason kept")
                text = ngettext(
                    "%(n)d held for review: %(reason)s",
                    "%(n)d held for review: %(reason)s",
                    n,
                ) % {"n": n, "reason": label}
                items.append(
                    Item(
                        text,
                        signatures_url(campaign, state__exact="held", hold_reason__exact=reason),
                    )
                )
            if n := now_waiting.overdue:
                text = ngettext(
                    "%(n)d not confirmed after a day",
                    "%(n)d not confirmed after a day",
                    n,
                ) % {"n": n}
                items.append(
                    Item(text, signatures_url(campaign, state__exact="pending", age="older"))
                )
            items += [_trend_item(campaign, t, can_invalidate) for t in now_waiting.trends]
        pages = campaign_pages(campaign, hand_in)
        rows.append(
            {"campaign": campaign, "items": items, "pages": pages, "moderates": can_moderate}
        )
    return rows
