"""Cut the quoted history and the signature off an email reply, in English, Arabic and Persian.

What goes: everything from a reply header ("On … wrote:", «في … كتب:», «در … نوشت:», an Outlook
"-----Original Message-----" or underscore rule followed by From:), a trailing block of `>` lines,
the part after a "-- " signature delimiter, and a closing "Sent from my phone" line. A forwarded
message keeps everything: the forwarded part is what the customer wants us to read. When trimming
would leave nothing, the whole text stays.
"""

import re

_REPLY_HEADER = re.compile(
    r"^\s*(on|le|am|el|في|فى|در)\s.{4,}\s(wrote|a écrit|schrieb|escribió|كتب|نوشت|نوشته است)\s*:\s*$",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(original message|الرسالة الأصلية|الرسالة الاصلية|پیام اصلی)\s*-{2,}\s*$", re.IGNORECASE
)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_FROM_LINE = re.compile(r"^\s*\**(from|de|von|من|از)\s*\**\s*:", re.IGNORECASE)
_FORWARD_MARK = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|رسالة مُعاد توجيهها|رسالة معاد توجيهها|پیام هدایت‌شده|پیام بازارسال ?شده)"
    r"\s*-{2,}|begin forwarded message:)",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|fw|tr|wg|ig|إعادة توجيه|بازارسال|هدایت)\s*:", re.IGNORECASE)
_SENT_FROM = re.compile(r"^\s*(sent from my|get outlook for|أرسلت من|ارسال شده از|فرستاده شده از)\b", re.IGNORECASE)
SIGNATURE_MAX_LINES = 12


def _reply_header_at(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _REPLY_HEADER.match(line) or _ORIGINAL.match(line):
        return True
    if index + 1 < len(lines) and _REPLY_HEADER.match(f"{line} {lines[index + 1]}"):  # a header wrapped in two
        return True
    if _RULE.match(line):
        following = [text for text in lines[index + 1 : index + 3] if text.strip()]
        return bool(following) and bool(_FROM_LINE.match(following[0]))
    return False


def _cut_history(lines: list[str]) -> list[str]:
    for index in range(len(lines)):
        if _reply_header_at(lines, index):
            return lines[:index]
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    return lines[:end]


def _cut_signature(lines: list[str]) -> list[str]:
    start = max(0, len(lines) - SIGNATURE_MAX_LINES)
    for index in range(start, len(lines)):
        if lines[index].rstrip() in ("--", "-- ", "—"):
            return lines[:index]
    while lines and (not lines[-1].strip() or _SENT_FROM.match(lines[-1])):
        lines = lines[:-1]
    return lines


def is_forward(subject: str, text: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject or "")) or any(_FORWARD_MARK.match(line) for line in text.split("\n"))


def reply_text(text: str, *, subject: str = "") -> str:
    """The new words of an email: quoted history and signature removed, unless it forwards a message."""
    text = text.replace("\r\n", "\n").strip()
    if is_forward(subject, text):
        return text
    trimmed = "\n".join(_cut_signature(_cut_history(text.split("\n")))).strip()
    return trimmed or text
