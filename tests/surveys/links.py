"""Reading survey emails the way a customer's mail client shows them: the links in the text part."""

import re
from urllib.parse import urlsplit

LINK = re.compile(r"https?://[^/\s]+(/[^\s\"<>]+)")


def path_of(url: str) -> str:
    """The path and query of a link, to open on the test client or the live server."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def survey_links(email) -> list[str]:
    """The paths of the survey links in an email's text part, in order: the page, then one per score."""
    return [path_of(url) for url in LINK.findall(email.body) if "/surveys/s/" in url]
