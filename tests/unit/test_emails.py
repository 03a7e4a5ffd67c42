"""What a signer's mail says, rendered by signatures.mail.emails."""

from signatures.mail import emails
from signatures.models import Signature
from tests import factories


def test_a_subject_keeps_ampersands_and_apostrophes_as_typed_on_one_line(make_campaign, mailoutbox):
    campaign = make_campaign(title="Drop the charges & free the press:\n Assange's case")
    signature = factories.signature(campaign, Signature.State.PENDING)

    emails.mail_confirmation(Signature.objects.select_related("campaign").get(pk=signature.pk))

    [message] = mailoutbox
    assert message.subject == (
        "Please confirm your signature: Drop the charges & free the press: Assange's case"
    )
