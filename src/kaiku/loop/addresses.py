"""Whether a webhook's address reaches into the network Kaiku runs in (SSRF)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def is_private(url: str) -> bool:
    """Whether the URL's host is (or resolves to) a loopback, private, link-local or
    reserved address. An unknown host is not private: it fails at delivery, and says so."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return any(
        (ip := ipaddress.ip_address(address.split("%", 1)[0])).is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        for address in addresses
    )


def refused(url: str) -> bool:
    """A private address, unless an admin allowed them (KAIKU_WEBHOOK_PRIVATE_ADDRESSES)."""
    return not settings.KAIKU_WEBHOOK_PRIVATE_ADDRESSES and is_private(url)
