"""Where a request comes from: the client's address and a keyed hash of its network."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only behind known proxies."""
    hops = int(settings.TRUSTED_PROXY_COUNT)
    if hops:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [p.strip() for p in header.split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


# One household, office or mobile subscriber: an IPv4 /24, an IPv6 /48 (what
# a provider hands one site). Rate limits and the stored hash both use it, so
# a client cannot pick fresh addresses inside its own network to dodge them.
PREFIX = {4: 24, 6: 48}


def client_network(ip: str) -> str:
    """The network the address belongs to, e.g. "203.0.113.0/24"; "" if not an address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    return str(ipaddress.ip_network(f"{address}/{PREFIX[address.version]}", strict=False))


def network_hash(ip: str) -> str:
    """A keyed hash of the client's network, never the address."""
    return hash_network(client_network(ip))


def hash_network(network: str) -> str:
    """The keyed hash of a network as ``client_network`` names it; "" for none."""
    if not network:
        return ""
    # The salt keeps its first name: a new one would change every stored hash.
    return salted_hmac("signatures.network", network, algorithm="sha256").hexdigest()[:32]
