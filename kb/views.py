from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from .beacon import MAX_BODY_BYTES, BeaconError, beacon_parse, is_bot, opted_out
from .forms import ArticleVoteForm
from .models import ArticlePage
from .selectors import VOTED_SESSION_KEY
from .services import article_events_record, article_vote_record

VOTE_RATE_PER_IP = "10/m"
BEACON_RATE_PER_IP = "120/m"
BEACON_CONTENT_TYPES = {"text/plain", "application/json"}
REMEMBERED_VOTES = 50


@require_POST
@ratelimit(key="ip", rate=VOTE_RATE_PER_IP, block=True)
def article_vote(request, page_id: int):
    """ "Was this helpful?": record the answer, then go back to the article with a thank-you."""
    article = get_object_or_404(ArticlePage.objects.live().public(), pk=page_id)
    form = ArticleVoteForm(request.POST)
    if not form.is_valid():
        return render(request, "kb/vote_invalid.html", {"article": article, "form": form}, status=400)
    voted = request.session.get(VOTED_SESSION_KEY, [])
    if article.pk not in voted:
        article_vote_record(article=article, **form.cleaned_data)
        request.session[VOTED_SESSION_KEY] = ([*voted, article.pk])[-REMEMBERED_VOTES:]
    messages.success(request, _("Thank you for your feedback. It helps us improve this article."))
    return redirect(article.get_url(request) + "#feedback")


# sendBeacon cannot send a CSRF token, and the endpoint changes nothing a reader owns: it only
# appends anonymous counters, so a forged request can do no more than a script posting directly.
@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=BEACON_RATE_PER_IP, block=True)
def article_beacon(request):
    """Store a batch of reading events from kb-beacon.js; answer 204 whether or not it was kept."""
    if is_bot(request.headers.get("User-Agent", "")) or opted_out(request.headers):
        return HttpResponse(status=204)
    if request.content_type not in BEACON_CONTENT_TYPES:
        return _beacon_error("unsupported_media_type", "Send text/plain or application/json.", 415)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _beacon_error("payload_too_large", f"Send at most {MAX_BODY_BYTES} bytes.", 413)
    try:
        session, events = beacon_parse(body)
    except BeaconError as error:
        return _beacon_error("invalid", str(error), 400)
    article_events_record(session=session, events=events)
    return HttpResponse(status=204)


def _beacon_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)
