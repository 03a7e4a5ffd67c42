"""What waits for a moderator, per campaign: the admin home's queue."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count

from petition_site.lib.addresses import KNOWN as COMMON_DOMAINS
from signatures.models import Signature, email_domain

State = Signature.State

# One domain or network this busy in an hour is worth a look: a burst of
# throwaway addresses, or one machine signing many times. The common mail
# providers are busy by nature and are left out.
TRENDING_PER_HOUR = 10
OVERDUE = timedelta(days=1)


@dataclass(frozen=True)
class Trend:
    kind: str  # "domain" or "network"
    value: str
    count: int


@dataclass
class Waiting:
    """What waits in one campaign."""

    held: dict[str, int] = field(default_factory=dict)  # hold reason -> signatures
    overdue: int = 0  # pending, signed over a day ago
    trends: list[Trend] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.held or self.overdue or self.trends)


def waiting(now: datetime) -> dict[int, Waiting]:
    """Per campaign id, what waits now; campaigns where nothing waits are left out."""
    found: dict[int, Waiting] = defaultdict(Waiting)
    held = (
        Signature.objects.filter(state=State.HELD)
        .values_list("campaign_id", "hold_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for campaign_id, reason, n in held:
        found[campaign_id].held[reason] = n
    overdue = (
        Signature.objects.filter(state=State.PENDING, created_at__lt=now - OVERDUE)
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for campaign_id, n in overdue:
        found[campaign_id].overdue = n
    for trend_campaign, trend in trending(now):
        found[trend_campaign].trends.append(trend)
    return dict(found)


def trending(now: datetime) -> list[tuple[int, Trend]]:
    """Domains (not the common providers) and networks busy in the last hour, busiest first."""
    recent = Signature.objects.filter(
        created_at__gte=now - timedelta(hours=1),
        state__in=[State.PENDING, State.HELD, State.CONFIRMED],
    ).order_by()
    domains = (
        recent.annotate(domain=email_domain())
        .exclude(domain__in=COMMON_DOMAINS)
        .values_list("campaign_id", "domain")
        .annotate(n=Count("pk"))
        .filter(n__gte=TRENDING_PER_HOUR)
    )
    networks = (
        recent.exclude(network_hash="")
        .values_list("campaign_id", "network_hash")
        .annotate(n=Count("pk"))
        .filter(n__gte=TRENDING_PER_HOUR)
    )
    found = [(c, Trend("domain", d, n)) for c, d, n in domains]
    found += [(c, Trend("network", h, n)) for c, h, n in networks]
    return sorted(found, key=lambda item: -item[1].count)
