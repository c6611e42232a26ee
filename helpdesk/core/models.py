"""Abstract models other apps build on."""

import functools

from django.db import models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


class NamedInLanguages(models.Model):
    """A manager-kept list item with a name in each language customers read."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100, blank=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=100, blank=True)
    active = models.BooleanField(_("offered to agents"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.label()

    def label(self, locale: str | None = None) -> str:
        """The name in `locale` (default: the active language), falling back to English."""
        locale = locale or translation.get_language() or "en"
        return getattr(self, f"name_{locale[:2]}", "") or self.name


def in_language(record, field: str, locale: str | None = None) -> str:
    """`record.<field>_<locale>` when filled in, else `record.<field>` (the English text)."""
    locale = (locale or translation.get_language() or "en")[:2]
    return getattr(record, f"{field}_{locale}", "") or getattr(record, field)


class ChoiceLabels:
    """A model mixin: `get_<field>_display()` from a dict built once per field.

    Django's own builds a dict of every choice on each call, hashing each lazy label, which
    translates it: an inbox page of 25 rows spent about 5 ms doing that.
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


@functools.cache
def _choice_labels(field) -> dict:
    return {make_hashable(value): label for value, label in field.flatchoices}
