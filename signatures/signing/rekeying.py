"""Give every stored address its key again after the rules for keys changed.

Where two signatures of one campaign now share a key, the earlier keeps it
and the later is flagged ``duplicate_of`` the earlier, for a moderator to
decide: nothing is deleted and no count changes. Migration 0014 and
``manage.py rekey_addresses`` call ``rekey``.
"""

from django.apps.registry import Apps

from petition_site.lib.addresses import canonical_email


def rekey(apps: Apps) -> int:
    """Recompute every key; return how many signatures were flagged as duplicates."""
    signature_model = apps.get_model("signatures", "Signature")
    signatures = signature_model._default_manager
    rows = signatures.order_by("campaign_id", "pk").values_list(
        "pk", "campaign_id", "email", "email_canonical"
    )
    first: dict[tuple[int, str], int] = {}
    winners: list[tuple[int, str]] = []
    losers: list[tuple[int, str, int]] = []
    for pk, campaign_id, email, stored in rows.iterator(chunk_size=5000):
        if not email:  # anonymised: its key is unique already
            continue
        key = canonical_email(email)
        earlier = first.setdefault((campaign_id, key), pk)
        if earlier != pk:
            if not stored.endswith(f"#{pk}"):
                losers.append((pk, f"{key}#{pk}", earlier))
        elif key != stored:
            winners.append((pk, key))
    # Losers first: they free the keys the winners take.
    for pk, key, earlier in losers:
        signatures.filter(pk=pk).update(email_canonical=key, duplicate_of_id=earlier)
    for pk, key in winners:
        signatures.filter(pk=pk).update(email_canonical=key)
    return len(losers)
