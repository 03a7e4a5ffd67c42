"""The consent wording shown beside the sign form, by version.

A signature stores the version it was given under, so the wording a signer
agreed to can always be shown. Change the wording by adding a new version;
never edit one that signatures already refer to.
"""

from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2026-11"

HAND_IN = {
    "2026-11": _(
        "I agree that my name and country are handed in with this petition "
        "at the US embassy in my country."
    ),
}

CONTACT = {
    "2026-11": _("Keep me informed about this and related campaigns by e-mail."),
}
