"""Supporters in their own language: Arabic right to left, and a German signer's whole journey."""

import re

import pytest

from signatures.models import Signature
from tests.browser.test_accessibility import assert_accessible

# Where a line starts: the edge of a label's text and of its input.
TEXT_EDGES = """(id) => {
  const label = document.querySelector(`label[for=${id}]`);
  const range = document.createRange();
  range.selectNodeContents(label);
  const text = range.getBoundingClientRect();
  const input = document.getElementById(id).getBoundingClientRect();
  return {
    textLeft: text.left, textRight: text.right, inputLeft: input.left, inputRight: input.right
  };
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_an_arabic_supporter_signs_on_a_page_that_mirrors(
    site, assange, open_page, width, height, javascript
):
    page = open_page(javascript=javascript, width=width, height=height)
    page.goto(f"{site}/ar/assange/")

    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    letter = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.letter'));"
        " return [s.borderRightWidth, s.borderLeftWidth]; })()"
    )
    assert letter == ["4px", "0px"]  # the rule stands where Arabic lines begin
    edges = page.evaluate(TEXT_EDGES, "id_first_name")
    assert abs(edges["textRight"] - edges["inputRight"]) < 3  # label starts at the right
    assert edges["textLeft"] > edges["inputLeft"] + 10
    first = page.locator("#id_first_name").bounding_box()
    last = page.locator("#id_last_name").bounding_box()
    if width >= 640:
        assert first["x"] > last["x"] and first["y"] == last["y"]  # side by side, mirrored
    else:
        assert first["y"] < last["y"]
    if javascript:  # axe-core is a script itself
        assert_accessible(page)

    page.get_by_label("الاسم الأول").fill("محمد")
    page.get_by_label("اسم العائلة").fill("عبدالله")
    page.get_by_label("عنوان البريد الإلكتروني").fill("mohammed@example.org")
    page.get_by_label("البلد", exact=True).select_option("EG")
    page.get_by_label("أوافق على تسليم اسمي وبلدي").check()
    page.get_by_role("button", name="وقّع العريضة").click()

    page.wait_for_url(re.compile(r"/ar/assange/thanks/$"))
    assert page.get_by_role("heading", name="شكرًا لتوقيعك").is_visible()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name, signature.language) == (
        "محمد",
        "عبدالله",
        "ar",
    )
    if javascript:
        assert_accessible(page)
    assert page.errors == []


def test_a_german_supporter_reads_signs_and_confirms_in_german(
    site, assange, open_page, run_tasks, mailoutbox
):
    page = open_page(locale="de-DE")
    page.goto(f"{site}/")  # the browser's language picks the page's

    page.wait_for_url(re.compile(r"/de/assange/$"))
    assert page.get_by_role("heading", level=1).inner_text().lower() == (
        "die usa müssen die anklage gegen julian assange fallen lassen"
    )
    assert page.get_by_text("Sehr geehrter Herr Justizminister,").is_visible()
    page.get_by_label("Vorname").fill("Jürgen")
    page.get_by_label("Nachname").fill("Müller")
    page.get_by_label("E-Mail-Adresse").fill("juergen@example.org")
    page.get_by_label("Land", exact=True).select_option("DE")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Petition unterschreiben").click()
    page.wait_for_url(re.compile(r"/de/assange/thanks/$"))
    assert page.get_by_role("heading", name="Danke für deine Unterschrift").is_visible()

    run_tasks()
    [mail] = mailoutbox
    assert mail.subject == (
        "Bitte bestätige deine Unterschrift: "
        "Die USA müssen die Anklage gegen Julian Assange fallen lassen"
    )
    assert "Hallo Jürgen" in mail.body
    links = re.findall(r"https://petition\.example\.org(/\S+/)", mail.body)
    assert links and all(link.startswith("/de/assange/") for link in links)
    assert '<html lang="de" dir="ltr">' in mail.alternatives[0].content

    confirm = next(link for link in links if "/confirm/" in link)
    page.goto(site + confirm)
    assert page.evaluate("document.documentElement.lang") == "de"
    page.get_by_role("button", name="Meine Unterschrift bestätigen").click()
    assert page.get_by_role("heading", name="Deine Unterschrift ist bestätigt").is_visible()
    assert Signature.objects.get().state == Signature.State.CONFIRMED
    assert page.errors == []
