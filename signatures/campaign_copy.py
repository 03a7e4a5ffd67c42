"""The Assange action's copy, word for word as the campaign gave it.

Migration 0002 seeds it; tests put it back after emptying the tables.
"""

from django.apps.registry import Apps

TITLE = "USA must drop charges against Julian Assange"

LEAD = (
    "Authorities in the USA must drop the espionage and all other charges against Julian "
    "Assange that relate to his publishing activities as part of his work with Wikileaks. "
    "The US government's unrelenting pursuit of Julian Assange for having published disclosed "
    "documents that included possible war crimes committed by the US military is nothing short "
    "of a full-scale assault on the right to freedom of expression."
)

BODY = "\n\n".join(
    [
        "Julian Assange is currently being held at Belmarsh, a high security prison in the UK, on "
        "the basis of a US extradition request on charges that stem directly from the publication "
        "of disclosed documents as part of his work with Wikileaks. Amnesty International strongly "
        "opposes any possibility of Julian Assange being extradited or sent in any other manner to "
        "the USA. There, he faces a real risk of serious human rights violations including "
        "possible detention conditions that would amount to torture and other ill-treatment (such "
        "as prolonged solitary confinement). The fact that he was the target of a negative public "
        "campaign by US officials at the highest levels undermines his right to be presumed "
        "innocent and puts him at risk of an unfair trial.",
        "Julian Assange's publication of disclosed documents as part of his work with Wikileaks "
        "should not be punishable as this activity mirrors conduct that investigative journalists "
        "undertake regularly in their professional capacity. Prosecuting Julian Assange on these "
        "charges could have a chilling effect on the right to freedom of expression, leading "
        "journalists to self-censor from fear of prosecution.",
    ]
)

CALL_TO_ACTION = (
    "Protect the right to freedom of expression. Urge the US authorities to drop the charges "
    "against Julian Assange that stem solely from his publishing activities with Wikileaks."
)

# "Sign the petition here: (petition text as in bold above)": the bold demand.
PETITION_TEXT = LEAD

TARGET = "United States Attorney General William P. Barr"
SALUTATION = "Mr. Attorney General"

HAND_IN_NOTE = (
    "Please note: While this petition is addressed to the US Attorney General petitions are to "
    "be handed in at US embassies in the respective countries at a later stage. Please DO NOT "
    "send petitions directly to the Office of the Attorney General."
)


def seed(apps: Apps) -> None:
    """Create or update the Assange campaign (with the fields of migration 0002)."""
    Campaign = apps.get_model("signatures", "Campaign")
    Campaign.objects.update_or_create(
        slug="assange",
        defaults={
            "title": TITLE,
            "lead": LEAD,
            "body": BODY,
            "call_to_action": CALL_TO_ACTION,
            "petition_text": PETITION_TEXT,
            "target": TARGET,
            "salutation": SALUTATION,
            "hand_in_note": HAND_IN_NOTE,
            "goal": 100000,
            "language": "en",
            "requires_confirmation": True,
        },
    )
