"""The base of every domain's refusal: a code for machines, a translated message for people."""

from enum import StrEnum


class CodedError(Exception):
    """A refused operation. Subclasses set `messages`: code → translatable text with %(params)s."""

    messages: dict = {}

    def __init__(self, code: StrEnum, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        text = str(self.messages[self.code])
        return text % self.params if self.params else text
