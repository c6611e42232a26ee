from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from .forms import ArticleVoteForm
from .models import ArticlePage
from .selectors import VOTED_SESSION_KEY
from .services import article_vote_record

VOTE_RATE_PER_IP = "10/m"
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
