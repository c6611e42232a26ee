from django.utils import translation


def translated(language: str, text: str) -> str:
    """Return the catalogue's translation of `text`, as the live server renders it."""
    with translation.override(language):
        return translation.gettext(text)
