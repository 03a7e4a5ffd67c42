"""The client's network and its stored hash."""

from petition_site.lib.network import client_network, network_hash


def test_a_network_is_a_household_or_a_subscriber():
    assert client_network("203.0.113.9") == "203.0.113.0/24"
    assert client_network("2001:db8:1:2::1") == "2001:db8:1::/48"
    assert client_network("not an address") == ""


def test_the_stored_hash_of_a_network_never_changes_with_the_code(settings):
    # Hashes already stored (invalidations by network, the dashboard) must keep
    # matching new signatures: these were made with the same secret before the
    # module moved, and a move must not change them.
    settings.SECRET_KEY = "test-secret-key-not-for-production"
    assert network_hash("203.0.113.9") == "ef7122d2eeb97f22f65a6d36f0ab38e4"
    assert network_hash("2001:db8::1") == "3fee8db298135204057dbbae61b66126"
    assert network_hash("203.0.113.200") == network_hash("203.0.113.9")
