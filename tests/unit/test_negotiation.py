"""Accept-Encoding read by its q-values (RFC 9110, section 12.5.3)."""

import pytest

from petition_site.lib.negotiation import accepts


@pytest.mark.parametrize(
    ("header", "takes_gzip"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("br, gzip;q=0", False),
        ("*", True),
        ("*;q=0", False),
        ("br, *;q=0.1", True),
        ("*, gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("gzip;q=2", False),  # not a q-value: read as 0
        ("gzip;q=abc", False),
        ("x-gzip", False),
    ],
)
def test_gzip_is_taken_only_when_the_header_says_so_by_its_q_value(header, takes_gzip):
    assert accepts(header, "gzip") is takes_gzip
