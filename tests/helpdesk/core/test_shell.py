import re

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [
        ("en", "ltr", "How can we help?"),
        ("ar", "rtl", "كيف يمكننا مساعدتك؟"),
        ("fa", "rtl", "چطور می‌توانیم کمکتان کنیم؟"),
    ],
)
def test_home_page_speaks_the_language_in_its_direction(client, language, direction, heading):
    response = client.get(f"/{language}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert heading in html


@pytest.mark.django_db
def test_root_redirects_to_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fa-IR,fa;q=0.9")

    assert response.status_code == 302
    assert response["Location"] == "/fa/"


@pytest.mark.django_db
def test_language_switcher_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/en/account/sign-in/"})

    assert response.status_code == 302
    assert response["Location"] == "/ar/account/sign-in/"


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/fa/no-such-page/")

    assert response.status_code == 404
    assert 'dir="rtl"' in response.content.decode()


@pytest.mark.django_db
def test_stylesheet_uses_logical_properties_only(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/app.css"), encoding="utf-8") as handle:
        css = handle.read()

    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)|(?<![-\w])(?:left|right)\s*:|text-align:\s*(?:left|right)", css
    )
    assert physical == []


@pytest.mark.django_db
def test_language_switcher_leaves_a_persian_page_for_english_whatever_the_browser_prefers(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fa/"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_language_switcher_names_each_language_in_itself(client):
    html = client.get("/fa/").content.decode()

    assert ">English</option>" in html
    assert '<option value="ar" lang="ar">العربيّة</option>' in html
    assert "selected>فارسی</option>" in html
