"""Every variable the site reads is documented (docs/configuration.md) and in .env.example."""

import re

from tests.helpers import ROOT

READERS = {
    "petition_site/settings.py": r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]+)\"",
    "petition_site/lib/logs.py": r"environ\.get\(\"([A-Z][A-Z0-9_]+)\"",
    "gunicorn.conf.py": r"environ\.get\(\"([A-Z][A-Z0-9_]+)\"",
    # The compose file's own variables (${NAME}) and those it sets for the app.
    "deploy/compose.yml": r"\$\{([A-Z][A-Z0-9_]+)|^\s{4}([A-Z][A-Z0-9_]+):",
}


def variables_read() -> set[str]:
    found = set()
    for path, pattern in READERS.items():
        for match in re.finditer(pattern, (ROOT / path).read_text(), re.MULTILINE):
            found |= {name for name in match.groups() if name}
    return found


def test_every_variable_read_is_documented_with_its_default():
    documented = set(
        re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs/configuration.md").read_text())
    )
    assert sorted(variables_read() - documented) == []


def test_every_variable_read_is_in_the_example_environment():
    example = set(re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text()))
    assert sorted(variables_read() - example) == []


def test_the_readers_are_found():
    assert {"SECRET_KEY", "GUNICORN_TIMEOUT", "POSTGRES_PASSWORD", "MAIL_LEASE_SECONDS"} <= (
        variables_read()
    )
