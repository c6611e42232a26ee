"""Subjects, message bodies and names for the inbox benchmark, per language, with their search terms."""

import random
from dataclasses import dataclass

SUBJECTS_PER_LOCALE = 5_000
BODIES_PER_LOCALE = 20_000


@dataclass
class Text:
    text: str
    html: str
    snippet: str
    terms: frozenset


class TextPool:
    """Subjects, message bodies and names per language, each with its search terms, drawn at random."""

    def __init__(self, rng: random.Random, *, subjects: int = SUBJECTS_PER_LOCALE, bodies: int = BODIES_PER_LOCALE):
        from bench.kb_search_speed import vocabularies
        from helpdesk.tickets.search import terms
        from helpdesk.tickets.text import snippet

        self.vocab = vocabularies(rng)
        cache: dict[str, frozenset] = {}

        def text_terms(words: list[str]) -> frozenset:
            found = set()
            for word in words:
                if word not in cache:
                    cache[word] = frozenset(terms(word))
                found |= cache[word]
            return frozenset(found)

        def make(words: list[str], sentences: list[str]) -> Text:
            text = " ".join(sentences)
            html = "".join(f"<p>{sentence}</p>" for sentence in sentences)
            return Text(text, html, snippet(text), text_terms(words))

        self.subjects, self.bodies, self.names = {}, {}, {}
        for locale, words in self.vocab.items():
            self.subjects[locale] = [self._subject(words, make, rng) for _ in range(subjects)]
            self.bodies[locale] = [self._body(words, make, rng) for _ in range(bodies)]
            content = words.words[words.content_from :]
            self.names[locale] = [" ".join(rng.sample(content[:3000], 2)).title() for _ in range(500)]

    @staticmethod
    def _subject(words, make, rng) -> Text:
        chosen = words.sample(rng.randint(3, 8))
        return make(chosen, [" ".join(chosen).capitalize()])

    @staticmethod
    def _body(words, make, rng) -> Text:
        sentences, chosen = [], []
        for _ in range(rng.randint(1, 4)):
            sentence = words.sample(rng.randint(5, 14))
            chosen += sentence
            sentences.append(" ".join(sentence).capitalize() + ".")
        return make(chosen, sentences)

    def search_words(self, locale: str = "en") -> dict[str, str]:
        """A word many tickets contain and one that few do, to search for."""
        words = self.vocab[locale]
        content = words.words[words.content_from :]
        return {"common": content[5], "rare": content[12_000]}
