"""Settle the heap once the application is loaded, so the garbage collector stops walking it."""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load the URL configuration, collect the start-up garbage, and freeze what is left.

    A full (generation 2) collection walks every object the collector tracks; once the helpdesk is
    loaded that is about 250,000 of them (modules, classes, URL patterns, templates, catalogues),
    some 130 ms on a 2-core machine, charged to whichever request or chat message happens to be
    allocating at the time. Frozen objects are left out of every collection (a full one then takes
    under 10 ms); what is made later is collected as before. The server entry points call this.
    """
    get_resolver().url_patterns  # noqa: B018 (imports every view now, not on the first request)
    gc.collect()
    gc.freeze()
