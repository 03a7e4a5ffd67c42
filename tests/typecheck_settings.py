"""Settings for the type checker: the development defaults, so no secret is needed.

mypy's Django plugin imports the settings; production settings refuse to
load without SECRET_KEY, and a newcomer running `mypy` has none.
"""

import os

os.environ.setdefault("DEBUG", "1")

from petition_site.settings import *  # noqa: F403
