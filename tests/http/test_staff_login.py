import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = reverse("admin:login")


def login(client, username: str, password: str, *, REMOTE_ADDR="127.0.0.1", **fields):
    data = {"username": username, "password": password, **fields}
    return client.post(LOGIN, data, REMOTE_ADDR=REMOTE_ADDR)


def test_staff_sign_in_with_the_right_password(client, moderator):
    response = login(client, "moderators", "pw")
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_account_is_locked_after_repeated_failures(client, moderator, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert login(client, "moderators", "wrong").status_code == 200
    locked = login(client, "moderators", "pw")  # even the right password
    assert locked.status_code == 429
    assert b"locked" in locked.content
    assert client.get(reverse("admin:index")).status_code == 302  # still signed out


def test_one_client_trying_many_accounts_is_locked_too(client, moderator, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for n in range(8):
        login(client, f"guess{n}", "wrong")
    assert login(client, "moderators", "pw").status_code == 429


def test_staff_with_a_totp_device_must_give_its_code(client, moderator):
    device = TOTPDevice.objects.create(user=moderator, name="phone", confirmed=True)

    without_code = login(client, "moderators", "pw")
    assert without_code.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    with_code = login(
        client, "moderators", "pw", otp_device=device.persistent_id, otp_token=f"{code:06d}"
    )
    assert with_code.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_two_factor_can_be_required_of_all_staff(client, moderator, settings):
    settings.STAFF_REQUIRE_2FA = True
    login(client, "moderators", "pw")
    assert client.get(reverse("admin:index")).status_code == 302


def test_failures_from_one_network_lock_that_network_out_not_the_owner(client, moderator, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, "moderators", "wrong", REMOTE_ADDR="198.51.100.7")

    assert login(client, "moderators", "pw", REMOTE_ADDR="198.51.100.8").status_code == 429
    assert login(client, "moderators", "pw", REMOTE_ADDR="203.0.113.5").status_code == 302


def test_spelling_variants_of_a_username_are_one_account(client, moderator, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for variant in [
        "moderators",
        "MODERATORS",
        "\uff4d\uff4f\uff44\uff45\uff52\uff41\uff54\uff4f\uff52\uff53",
    ]:
        login(client, variant, "wrong")

    assert login(client, "Moderators", "pw").status_code == 429
    other = Client()
    assert (
        login(
            other,
            "\uff2d\uff4f\uff44\uff45\uff52\uff41\uff54\uff4f\uff52\uff53",
            "pw",
            REMOTE_ADDR="203.0.113.5",
        ).status_code
        == 302
    )


def test_usernames_are_stored_in_one_form(db):
    user = User.objects.create_user("\uff2a\uff55\uff4c\uff49\uff41 Stra\u00dfe", password="pw")
    assert user.username == "julia strasse"


def test_an_attack_from_many_networks_cannot_lock_out_a_browser_that_signed_in_before(
    moderator, settings
):
    settings.LOGIN_ACCOUNT_LIMIT = 6
    owner = Client()
    assert login(owner, "moderators", "pw").status_code == 302  # an earlier visit
    owner.post(reverse("admin:logout"))  # signs out; the browser keeps its cookies
    for n in range(6):
        login(Client(), "moderators", "wrong", REMOTE_ADDR=f"198.51.{n}.1")

    assert login(Client(), "moderators", "pw", REMOTE_ADDR="203.0.113.9").status_code == 429
    assert login(owner, "moderators", "pw").status_code == 302


def current_code(device, drift: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:06d}"


TWO_FACTOR = reverse("admin:two_factor")


def test_every_staff_member_enrols_and_removes_their_own_authenticator(client, moderator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the wrong code below
    login(client, "moderators", "pw")
    assert client.get(TWO_FACTOR).status_code == 200  # a moderator, not only superusers

    client.post(TWO_FACTOR, {"action": "start"})
    page = client.get(TWO_FACTOR).content.decode()
    assert "<svg" in page  # the QR code, drawn here: no third-party service
    device = TOTPDevice.objects.get(user=moderator, confirmed=False)
    assert client.post(TWO_FACTOR, {"action": "confirm", "token": "000000"}).status_code == 302
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    answer = client.post(TWO_FACTOR, {"action": "confirm", "token": current_code(device)})

    assert answer["Location"] == reverse("admin:index")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(TWO_FACTOR, {"action": "remove", "device": device.pk})
    assert not TOTPDevice.objects.filter(user=moderator).exists()


def test_when_two_factor_is_required_staff_enrol_at_their_first_sign_in(
    client, organiser, settings
):
    settings.STAFF_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the sign-in without a code below
    answer = login(client, "organisers", "pw")

    assert answer["Location"] == TWO_FACTOR
    assert client.get(reverse("admin:index")).status_code == 302  # nothing else is open
    client.post(TWO_FACTOR, {"action": "start"})
    device = TOTPDevice.objects.get(user=organiser)
    client.post(TWO_FACTOR, {"action": "confirm", "token": current_code(device)})
    assert client.get(reverse("admin:index")).status_code == 200

    client.post(reverse("admin:logout"))
    assert login(client, "organisers", "pw").status_code == 200  # now the code is asked for
    # The next code: the one used to enrol cannot be used twice.
    code = current_code(device, drift=1)
    answer = login(client, "organisers", "pw", otp_device=device.persistent_id, otp_token=code)
    assert answer.status_code == 302


def test_a_staff_member_cannot_remove_another_ones_device(client, moderator, organiser):
    theirs = TOTPDevice.objects.create(user=organiser, name="phone", confirmed=True)
    login(client, "moderators", "pw")
    client.post(TWO_FACTOR, {"action": "start"})
    device = TOTPDevice.objects.get(user=moderator)
    client.post(TWO_FACTOR, {"action": "confirm", "token": current_code(device)})

    client.post(TWO_FACTOR, {"action": "remove", "device": theirs.pk})

    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("device", ["999999999", "abc", "", "99999999999999999999999", "1.5"])
def test_removing_an_authenticator_that_does_not_exist_says_so_and_removes_nothing(
    client, moderator, device
):
    login(client, "moderators", "pw")
    client.post(TWO_FACTOR, {"action": "start"})
    mine = TOTPDevice.objects.get(user=moderator)
    client.post(TWO_FACTOR, {"action": "confirm", "token": current_code(mine)})

    answer = client.post(TWO_FACTOR, {"action": "remove", "device": device}, follow=True)

    assert answer.status_code == 200
    assert "That authenticator app is not yours or is gone." in answer.content.decode()
    assert TOTPDevice.objects.filter(pk=mine.pk).exists()
