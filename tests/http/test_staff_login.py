from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = reverse("admin:login")


def login(client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


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
