"""Guess which of the site's languages an email is written in, from its script."""

from django.conf import settings

PERSIAN_LETTERS = set("پچژگکیۀ")  # letters Persian uses and Arabic does not


def script_language(text: str) -> str:
    """'fa' for Persian letters, 'ar' for other Arabic script, '' for anything else."""
    arabic = [ch for ch in text if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff"]
    if not arabic:
        return ""
    if PERSIAN_LETTERS & set(arabic):
        return "fa" if "fa" in dict(settings.LANGUAGES) else ""
    return "ar" if "ar" in dict(settings.LANGUAGES) else ""
