"""Text analysis for knowledge-base search in English, Arabic and Persian.

`analyzer_for(locale)` is the Whoosh analyzer to give every searchable text field, at index and
at query time; `normalize` and `tokens` expose the same rules to callers and tests.
"""

from kb.analysis.analyzers import analyzer_for, stem, tokens
from kb.analysis.normalise import LOCALES, normalize

__all__ = ["LOCALES", "analyzer_for", "normalize", "stem", "tokens"]
