"""E-mail addresses: the canonical key one person's spellings of an address share."""


def canonical_email(address: str) -> str:
    """The key one person's addresses share: lower case, no +tag, no Gmail dots."""
    local, _sep, domain = address.strip().lower().rpartition("@")
    domain = domain.rstrip(".")
    if domain == "googlemail.com":
        domain = "gmail.com"
    local = local.split("+", 1)[0]
    if domain == "gmail.com":
        local = local.replace(".", "")
    return f"{local}@{domain}"
