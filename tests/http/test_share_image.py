"""The picture a shared link shows is drawn in the page's language, right to left for Arabic."""

from io import BytesIO

import pytest
from PIL import Image, ImageChops

from signatures.models import CampaignTranslation
from signatures.signing import share
from tests.helpers import found

ARABIC_TITLE = "الولايات المتحدة: أسقطوا التهم عن جوليان أسانج"


@pytest.fixture
def translated(campaign):
    CampaignTranslation.objects.create(campaign=campaign, language="ar", title=ARABIC_TITLE)
    CampaignTranslation.objects.create(
        campaign=campaign, language="de", title="USA: Lasst die Anklage gegen Assange fallen"
    )
    return campaign


def picture(client, language: str, campaign) -> Image.Image:
    response = client.get(f"/{language}/{campaign.slug}/share.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return Image.open(BytesIO(response.content))


def ink(image: Image.Image, top: int, bottom: int) -> tuple[int, int]:
    """The left and right edges of what is written between ``top`` and ``bottom``."""
    band = image.crop((0, top, image.width, bottom)).convert("L")
    mask = band.point(lambda v: 255 if v < 100 else 0)
    box = mask.getbbox()
    assert box is not None, "nothing written there"
    return box[0], box[2]


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "ar"])
def test_each_language_page_names_its_own_share_picture(client, translated, language):
    html = client.get(f"/{language}/{translated.slug}/").content.decode()

    image = found(r'<meta property="og:image" content="([^"]+)"', html)

    assert image.endswith(f"/{language}/{translated.slug}/share.png")
    assert picture(client, language, translated).size == (1200, 630)


def test_the_pictures_differ_by_language(client, translated):
    english, german = picture(client, "en", translated), picture(client, "de", translated)

    assert ImageChops.difference(english.convert("RGB"), german.convert("RGB")).getbbox()


def test_arabic_is_set_right_to_left_and_latin_left_to_right(client, translated):
    arabic = ink(picture(client, "ar", translated), share.MARGIN, 400)
    english = ink(picture(client, "en", translated), share.MARGIN, 400)

    assert abs(arabic[1] - (share.WIDTH - share.MARGIN)) < 10  # flush with the right margin
    assert arabic[0] > share.MARGIN + 20
    assert abs(english[0] - share.MARGIN) < 10  # flush with the left margin


def test_an_untranslated_title_keeps_its_own_direction_on_an_arabic_page(client, campaign):
    title = ink(picture(client, "ar", campaign), share.MARGIN, 400)
    call = ink(picture(client, "ar", campaign), share.HEIGHT - 140, share.HEIGHT - 30)

    assert abs(title[0] - share.MARGIN) < 10  # the English title, left to right
    assert abs(call[1] - (share.WIDTH - share.MARGIN)) < 10  # "Sign the petition" in Arabic
