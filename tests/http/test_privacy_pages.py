def test_privacy_notice_names_the_controller_and_contact(client, db, settings):
    settings.PRIVACY_CONTROLLER = "Example Section of the Campaign"
    settings.PRIVACY_CONTACT = "dpo@example.org"
    html = client.get("/en/privacy/").content.decode()
    assert "Example Section of the Campaign" in html
    assert 'href="mailto:dpo@example.org"' in html


def test_the_form_links_to_the_privacy_notice(client, campaign):
    assert b'href="/en/privacy/"' in client.get(campaign.get_absolute_url()).content
