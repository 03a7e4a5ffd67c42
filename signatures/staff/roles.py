"""Staff roles as groups: Moderators keep the list clean, Organisers also hand in,
Volunteers type in the signatures collected on paper and see nothing else.

The migrations that make the groups and the tests that put them back both
call ``sync``. To change a role, edit the lists here and add a migration that
calls ``sync`` again: it grants only permissions that exist at that point of
the migration history, so earlier migrations keep working on a new database.
"""

from typing import Any

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

MODERATORS = [
    ("signatures", "view_campaign"),
    ("signatures", "view_signature"),
    ("signatures", "change_signature"),
    ("signatures", "view_invalidation"),
    ("signatures", "add_invalidation"),
    ("signatures", "change_invalidation"),
]
PAPER = [("signatures", "enter_paper_signatures")]
VOLUNTEERS = PAPER
ORGANISERS = [
    *MODERATORS,
    *PAPER,
    ("signatures", "view_paperentry"),
    ("signatures", "change_paperentry"),
    ("signatures", "view_handin"),
    ("signatures", "add_handin"),
    ("signatures", "view_update"),
    ("signatures", "add_update"),
    ("signatures", "change_update"),
    ("signatures", "send_update"),
    ("signatures", "change_campaign"),
    ("signatures", "export_signatures"),
    ("signatures", "view_batch"),
    ("signatures", "add_batch"),
    ("signatures", "change_batch"),
]
ROLES = {"Moderators": MODERATORS, "Organisers": ORGANISERS, "Volunteers": VOLUNTEERS}


def can_hand_in(user: Any) -> bool:
    """Whether ``user`` may open the hand-in batches: links to them are shown only then."""
    return bool(
        user.has_perm("signatures.export_signatures") and user.has_perm("signatures.view_batch")
    )


def sync(apps: Apps) -> None:
    """Make the groups and give each exactly the permissions of its role that exist yet."""
    # Permissions are normally made after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        # create_permissions skips an app whose models module is unset.
        app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _created = group_model._default_manager.get_or_create(name=name)
        granted = [
            permission
            for app_label, codename in codes
            for permission in permission_model._default_manager.filter(
                content_type__app_label=app_label, codename=codename
            )
        ]
        group.permissions.set(granted)
