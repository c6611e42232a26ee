"""Every UI string ships translated into Arabic and Persian, and the compiled catalogues are current."""

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["ar", "fa"]
IGNORED = [".venv/*", "var/*", "bench/*", "tests/*", "test-artifacts/*", "node_modules/*"]


def _catalog(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _text(value) -> str:
    return " ".join(value) if isinstance(value, tuple) else value


def _hashable(value):
    # read_mo gives a plural entry's id and strings as lists.
    return tuple(value) if isinstance(value, list) else value


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    catalog = _catalog(language)

    untranslated = [_text(m.id) for m in catalog if m.id and (m.fuzzy or not all(_text(m.string).split()))]
    empty = [_text(m.id) for m in catalog if m.id and not _text(m.string).strip()]

    assert empty == [], f"{language}: messages without a translation"
    assert untranslated == [], f"{language}: fuzzy or partly empty translations"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    compiled = BytesIO()
    write_mo(compiled, _catalog(language), use_fuzzy=False)
    compiled.seek(0)
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        committed = read_mo(handle)

    expected = {_hashable(m.id): _hashable(m.string) for m in read_mo(compiled) if m.id}
    actual = {_hashable(m.id): _hashable(m.string) for m in committed if m.id}
    assert actual == expected, f"run `make messages`: locale/{language}/LC_MESSAGES/django.mo is out of date"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_no_string_in_the_code_is_missing_from_the_catalogues(tmp_path, monkeypatch):
    # makemessages writes next to the sources, so it runs on a copy of them.
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(".*", "var", "node_modules", "test-artifacts", "__pycache__", "*.woff2"),
    )
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[source / "locale"]):
        call_command("makemessages", locale=["fa"], ignore_patterns=IGNORED, verbosity=0)
    with (source / "locale" / "fa" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        found = {_text(m.id) for m in read_po(handle) if m.id}

    known = {_text(m.id) for m in _catalog("fa") if m.id}
    assert sorted(found - known) == [], "run `make messages` and translate the new strings"
