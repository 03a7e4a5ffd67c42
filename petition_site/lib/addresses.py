"""E-mail addresses: the form we store and mail, and the key one person's spellings share.

Mail systems read a domain by IDNA 2008 with the UTS #46 mapping (so a
fullwidth "e" in a domain is an "e") and ignore case in practice. An
address with invisible characters (a soft hyphen, a zero-width space) is
refused outright: it would reach the same mailbox while looking different.
"""

import unicodedata

import idna
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Control, format (soft hyphen, zero-width space, bidi marks), private-use,
# unassigned and separator characters: none belongs in an address.
INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs"}
GMAIL = {"gmail.com", "googlemail.com"}
# Names reserved for local or test use (RFC 2606, RFC 6761, RFC 6762): no
# mail we send there reaches anyone. ".example" is allowed in DEBUG, for demos.
RESERVED = {"localhost", "local", "invalid", "test"}


class InvalidAddress(ValueError):
    """Why an address cannot be used; the message is shown to the signer."""


def normalise(address: str) -> str:
    """The address as stored and mailed: trimmed, NFC, the domain as IDNA A-labels."""
    address = address.strip()
    if any(unicodedata.category(ch) in INVISIBLE for ch in address):
        raise InvalidAddress(_("An e-mail address cannot contain invisible or control characters."))
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise InvalidAddress(_("Enter a valid e-mail address."))
    try:
        ascii_domain = idna.encode(domain.rstrip("."), uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise InvalidAddress(_("The part after @ is not a valid domain name.")) from exc
    ascii_domain = ascii_domain.lower()
    if not deliverable(ascii_domain):
        raise InvalidAddress(
            _("We cannot send mail to this address. Please check the part after @.")
        )
    return f"{unicodedata.normalize('NFC', local)}@{ascii_domain}"


def deliverable(domain: str) -> bool:
    """Whether mail from us can reach ``domain``: a name with a dot, not a reserved one."""
    labels = domain.split(".")
    reserved = RESERVED if settings.DEBUG else RESERVED | {"example"}
    return len(labels) > 1 and all(labels) and labels[-1] not in reserved and domain != "localhost"


def canonical_email(address: str) -> str:
    """The key one person's addresses share: no case, no +tag, no Gmail dots, one domain form."""
    # The form refuses invisible characters; rows stored before it did, and
    # admin searches, still need the key mail systems would read.
    visible = "".join(ch for ch in address if unicodedata.category(ch) not in INVISIBLE)
    try:
        address = normalise(visible)
    except InvalidAddress:
        address = visible
    local, _at, domain = address.rpartition("@")
    local = unicodedata.normalize("NFKC", local).casefold().split("+", 1)[0]
    domain = domain.lower().rstrip(".")
    if domain in GMAIL:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


# Mail providers many signers use, in the countries this site speaks to: a
# domain one keystroke away from one of them is likely a typo of it. A
# domain listed here is never taken for a typo (mail.com is one step from gmail.com).
COMMON_DOMAINS = [
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com",
    "live.com", "msn.com", "aol.com", "mail.com", "me.com", "proton.me", "protonmail.com",
    "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "web.de", "t-online.de", "freenet.de",
    "posteo.de", "mailbox.org", "hotmail.de", "yahoo.de", "outlook.de", "bluewin.ch",
    "orange.fr", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr", "hotmail.fr", "yahoo.fr",
    "outlook.fr", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net", "hotmail.co.uk",
    "yahoo.co.uk", "btinternet.com", "libero.it", "hotmail.it", "yahoo.com.ar",
    "hotmail.com.ar", "yahoo.com.mx", "hotmail.com.mx", "uol.com.br", "bol.com.br",
    "yahoo.it", "hotmail.be", "outlook.be", "gmx.fr",
]  # fmt: skip
KNOWN = frozenset(COMMON_DOMAINS)


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether one deletion, insertion, change or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differ) == 1:
            return True
        i, j = differ[0], differ[-1]
        return len(differ) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def suggest_domain(address: str) -> str | None:
    """The address with a common provider's domain, when its own looks like that one mistyped.

    "typo.person@gmial.com" gives "typo.person@gmail.com"; a domain in
    COMMON_DOMAINS, or one no common domain is a keystroke away from, gives None.
    """
    local, at, domain = address.rpartition("@")
    domain = domain.lower()
    if not at or domain in KNOWN:
        return None
    for known in COMMON_DOMAINS:
        if _one_edit_apart(domain, known):
            return f"{local}@{known}"
    return None
