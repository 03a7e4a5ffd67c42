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


def network_hash(ip: str) -> str:
    """A keyed hash of the client's network (IPv4 /24, IPv6 /48), never the address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return salted_hmac("signatures.network", str(network), algorithm="sha256").hexdigest()[:32]
