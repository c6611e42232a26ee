"""The chat widget's exit-intent question: one question for a visitor about to leave the shop's page.

Off by default (SurveySettings.exit_intent_enabled). The widget's loader asks at most once in
EXIT_INTENT_DAYS per browser (it remembers when it asked), and the helpdesk keeps at most one answer
per visitor in that window: the visitor is a random id the loader keeps in the shop site's storage,
stored here only as a hash. Nothing ties an answer to a customer; the page is kept without its query.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.core.models import in_language

from .errors import SurveyError, SurveyErrorCode
from .models import ExitIntentAnswer, ExitReason, SurveySettings
from .selectors import exit_reasons_offered, survey_settings

EXIT_INTENT_DAYS = 30
COMMENT_MAX = 1000
PAGE_MAX = 300
_VISITOR = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class ExitIntentQuestion:
    text: str
    reasons: list[ExitReason]


def exit_intent_question(config: SurveySettings, locale: str) -> ExitIntentQuestion:
    """The question in `locale` (the managers' wording, else ours) and the reasons offered."""
    text = in_language(config, "exit_intent_question", locale) or _("Before you go: what stopped you today?")
    return ExitIntentQuestion(text=text, reasons=list(exit_reasons_offered()))


def visitor_valid(visitor: str) -> bool:
    return bool(_VISITOR.match(visitor or ""))


def _visitor_hash(visitor: str) -> str:
    return hashlib.sha256(f"exit-intent:{visitor}".encode()).hexdigest()


def _page_path(page: str) -> str:
    path = urlsplit(page or "").path if "://" in (page or "") else (page or "").split("?")[0].split("#")[0]
    return "".join(ch for ch in path if ch.isprintable())[:PAGE_MAX]


@transaction.atomic
def exit_intent_answer(
    *, visitor: str, locale: str, page: str, reason_id: int | None, comment: str = ""
) -> ExitIntentAnswer:
    """Keep a visitor's answer, once in EXIT_INTENT_DAYS; SurveyError when it cannot be kept."""
    config = survey_settings()
    if not config.exit_intent_enabled or not visitor_valid(visitor):
        raise SurveyError(SurveyErrorCode.NOT_OFFERED)
    reason = exit_reasons_offered().filter(pk=reason_id).first() if reason_id else None
    if reason is None:
        raise SurveyError(SurveyErrorCode.REASON_REQUIRED)
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX:
        raise SurveyError(SurveyErrorCode.TEXT_TOO_LONG, max=COMMENT_MAX)
    hashed = _visitor_hash(visitor)
    now = timezone.now()
    recent = ExitIntentAnswer.objects.select_for_update().filter(
        visitor_hash=hashed, created_at__gte=now - timedelta(days=EXIT_INTENT_DAYS)
    )
    if recent.exists():
        raise SurveyError(SurveyErrorCode.ALREADY_ANSWERED)
    return ExitIntentAnswer.objects.create(
        visitor_hash=hashed,
        reason=reason,
        comment=comment.encode("utf-8", errors="replace").decode("utf-8"),
        locale=locale if locale in dict(django_settings.LANGUAGES) else django_settings.LANGUAGE_CODE,
        page=_page_path(page),
        created_at=now,
    )
