from django.conf import settings
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from .blocks import ArticleBodyBlock, FAQItemsBlock, anchor_for
from .documents import ArticleDocument
from .panels import reader_analytics_tab

EXTERNAL_ID_LENGTH = 100


class SearchQuery(models.Model):
    """One public search, kept for the failed-search report (no personal data)."""

    query = models.CharField(_("query"), max_length=200)
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    result_count = models.PositiveIntegerField(_("results"))
    source = models.CharField(_("source"), max_length=20, default="web")  # web, api, widget, bot
    # Result links followed from the results page (web searches only; see kb.search_views).
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    created_at = models.DateTimeField(_("searched at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["locale", "result_count", "created_at"])]

    def __str__(self):
        return self.query


class ExternalIdMixin(models.Model):
    """A stable id shared with kb_import/kb_export and the search API ("gift-wrap.fa")."""

    external_id = models.CharField(
        _("external id"),
        max_length=EXTERNAL_ID_LENGTH,
        unique=True,
        blank=True,
        help_text=_("The id used by imports, exports and the search API. Set automatically."),
    )
    # The `translation_key` text of the last import, so an export gives the same text back.
    exchange_translation_key = models.CharField(max_length=100, blank=True, editable=False)

    exclude_fields_in_copy = ["external_id"]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.external_id:
            self.external_id = self._free_external_id()
        super().save(*args, **kwargs)

    def public_path(self) -> str:
        """The page's public URL path, e.g. "/fa/help/orders/gift-wrap/" (percent-encoded)."""
        parts = self.get_url_parts()
        return (parts[2] or "") if parts else ""

    def _free_external_id(self) -> str:
        locale = self.locale.language_code if self.locale_id else settings.LANGUAGE_CODE
        base = (slugify(self.slug or self.title, allow_unicode=True) or "page")[: EXTERNAL_ID_LENGTH - 12]
        taken = set(type(self).objects.filter(external_id__startswith=base).values_list("external_id", flat=True))
        candidate, number = f"{base}.{locale}", 2
        while candidate in taken:
            candidate, number = f"{base}-{number}.{locale}", number + 1
        return candidate


class KBHomePage(Page):
    """The help centre's front page in one language; the English one is the site's root page."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["kb.CategoryPage", "kb.FAQPage"]

    class Meta:
        verbose_name = _("help centre home")

    def get_context(self, request, *args, **kwargs):
        from .selectors import home_context

        return super().get_context(request, *args, **kwargs) | home_context(self)

    def route(self, request, path_components):
        """Route as usual; a path from another language's help centre leads to its translation here."""
        try:
            return super().route(request, path_components)
        except Http404:
            from .selectors import translation_for_path

            translation = translation_for_path(self, path_components)
            if translation is None:
                raise
            return RouteResult(self, kwargs={"translation_url": translation.get_url(request)})

    def serve(self, request, *args, translation_url=None, **kwargs):
        # The language switcher keeps the path and swaps the language prefix: send the reader on.
        if translation_url:
            return redirect(translation_url)
        return super().serve(request, *args, **kwargs)


class CategoryPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["kb.KBHomePage"]
    subpage_types = ["kb.ArticlePage"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def get_context(self, request, *args, **kwargs):
        from .selectors import category_context

        return super().get_context(request, *args, **kwargs) | category_context(self)


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("kb.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticlePage(ExternalIdMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    summary = models.TextField(_("summary"), max_length=500, blank=True, help_text=_("One plain sentence."))
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("related_links", label=_("Related articles")),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("tags"), FieldPanel("last_reviewed"), FieldPanel("external_id", read_only=True)],
            heading=_("Help centre"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
            reader_analytics_tab(),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["kb.CategoryPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def get_context(self, request, *args, **kwargs):
        from .selectors import article_context

        return super().get_context(request, *args, **kwargs) | article_context(self, request)

    def search_document(self) -> ArticleDocument:
        """Describe this article for the search engine: plain text only."""
        parent = self.get_parent()
        return ArticleDocument(
            id=self.external_id,
            locale=self.locale.language_code,
            title=self.title,
            url=self.public_path(),
            summary=self.summary,
            body="\n".join(text for text in self.body.stream_block.get_searchable_content(self.body) if text),
            category=parent.title if parent else "",
            tags=tuple(sorted(self.tags.names())),
        )


class ArticleRelatedLink(Orderable):
    page = ParentalKey(ArticlePage, related_name="related_links", on_delete=models.CASCADE)
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("article"))

    panels = [FieldPanel("article")]


class FAQPage(ExternalIdMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    intro = models.TextField(_("introduction"), blank=True)
    items = StreamField(FAQItemsBlock(), verbose_name=_("questions"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("items")]
    promote_panels = [*Page.promote_panels, FieldPanel("external_id", read_only=True)]
    search_fields = [*Page.search_fields, index.SearchField("items")]
    parent_page_types = ["kb.KBHomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")

    def faq_items(self) -> list[dict]:
        """Return the questions with their anchors, unique on the page."""
        answer_block = self.items.stream_block.child_blocks["item"].child_blocks["answer"]
        taken: set[str] = set()
        items = []
        for block in self.items:
            value = block.value
            items.append(
                {
                    "anchor": anchor_for(value.get("anchor") or value["question"], taken),
                    "question": value["question"],
                    "answer": value["answer"],
                    "answer_html": answer_block.render(value["answer"]),
                }
            )
        return items

    def search_documents(self) -> list[ArticleDocument]:
        """One search document per question, its id and URL pointing at the question's anchor."""
        answer_block = self.items.stream_block.child_blocks["item"].child_blocks["answer"]
        url = self.public_path()
        return [
            ArticleDocument(
                id=f"{self.external_id}#{item['anchor']}",
                locale=self.locale.language_code,
                title=item["question"],
                url=f"{url}#{item['anchor']}",
                body="\n".join(answer_block.get_searchable_content(item["answer"])),
                category=self.title,
            )
            for item in self.faq_items()
        ]


class VoteReason(models.TextChoices):
    NOT_RELEVANT = "not_relevant", _("It didn't answer my question")
    UNCLEAR = "unclear", _("It was hard to follow")
    OUTDATED = "outdated", _("It's out of date or wrong")
    DIDNT_WORK = "didnt_work", _("I followed it, but it didn't work")
    OTHER = "other", _("Something else")


class ArticleVote(models.Model):
    """A reader's answer to "Was this helpful?" on one article in one language."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="votes", verbose_name=_("article"))
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(_("reason"), max_length=20, choices=VoteReason.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["article", "helpful"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(helpful=False) | (models.Q(reason="") & models.Q(comment="")),
                name="kb_vote_helpful_has_no_reason",
            )
        ]

    def __str__(self):
        return f"{self.article_id} {self.locale} {'+' if self.helpful else '-'}"


class ArticleEventKind(models.TextChoices):
    VIEW = "view", _("view")
    ENGAGED = "engaged", _("engaged time")
    SCROLL = "scroll", _("scroll depth")
    NEXT = "next", _("next action")
    VOTE = "vote", _("helpful vote")
    CONTACT = "contact", _("contact")


class NextKind(models.TextChoices):
    ARTICLE = "article", _("another article")
    SEARCH = "search", _("search")
    CHAT = "chat", _("chat")
    TICKET = "ticket", _("ticket")


class ArticleEvent(models.Model):
    """One raw reading event from the article beacon (docs/analytics.md); no personal data."""

    session = models.CharField(_("anonymous session"), max_length=36)
    article = models.ForeignKey(
        ArticlePage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("article"),
    )
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    kind = models.CharField(_("kind"), max_length=10, choices=ArticleEventKind.choices)
    # Engaged seconds, scroll percent, or 1/0 for a helpful vote; empty for the other kinds.
    value = models.PositiveIntegerField(_("value"), null=True, blank=True)
    next_kind = models.CharField(_("next action"), max_length=10, choices=NextKind.choices, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    day = models.DateField(_("day"))  # indexed first in (day, article, kind) for the daily roll-ups

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["day", "article", "kind"]),
            models.Index(fields=["session", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self):
        return f"{self.session} {self.kind} {self.article_id}"


class ArticleDaily(models.Model):
    """One article's reading figures for one local day, in its language (docs/analytics.md, "Roll-ups").

    Built only by kb.rollups from the raw ArticleEvent rows, replaced whole for a day each time
    that day is rolled up again; the dashboard and the reports read these rows, never raw events.
    A session counts on the day of its first view of the article.
    """

    day = models.DateField(_("day"))
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="daily", verbose_name=_("article"))
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    views = models.PositiveIntegerField(_("views"), default=0)  # view events
    sessions = models.PositiveIntegerField(_("article sessions"), default=0)  # sessions that viewed it
    bounces = models.PositiveIntegerField(_("bounced sessions"), default=0)
    engaged_seconds = models.PositiveBigIntegerField(_("engaged seconds"), default=0)  # summed over sessions
    # Sessions by dwell time (engaged seconds in the session on this article), counted in the
    # buckets of kb.rollups.DWELL_EDGES, so a median over any range of days can be read back.
    dwell_histogram = models.JSONField(_("dwell time histogram"), default=list)
    scroll_sum = models.PositiveBigIntegerField(_("deepest scroll, summed"), default=0)  # % per session
    scroll_sessions = models.PositiveIntegerField(_("sessions that scrolled"), default=0)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    helpful_votes = models.PositiveIntegerField(_("helpful votes"), default=0)
    contact_after = models.PositiveIntegerField(_("sessions that contacted us"), default=0)
    # Deflection is attributed to the last article of a session; last_sessions is its denominator.
    last_sessions = models.PositiveIntegerField(_("sessions ending here"), default=0)
    deflected = models.PositiveIntegerField(_("deflected sessions"), default=0)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)

    class Meta:
        verbose_name = _("article day")
        verbose_name_plural = _("article days")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["day", "article", "locale"], name="kb_article_daily_unique")]
        indexes = [models.Index(fields=["locale", "day"])]

    def __str__(self):
        return f"{self.day} {self.article_id} {self.locale}"


class SearchDaily(models.Model):
    """Searches for one query (as normalised for search) in one language on one local day."""

    day = models.DateField(_("day"))
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    query = models.CharField(_("query"), max_length=200)  # the normalised form, what the index matched
    example = models.CharField(_("as typed"), max_length=200)  # the most frequent spelling that day
    searches = models.PositiveIntegerField(_("searches"), default=0)
    no_results = models.PositiveIntegerField(_("searches with no results"), default=0)
    # Searches with results of which none was clicked; counted only where clicks are recorded.
    no_click = models.PositiveIntegerField(_("searches with no click"), default=0)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)

    class Meta:
        verbose_name = _("search day")
        verbose_name_plural = _("search days")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["day", "locale", "query"], name="kb_search_daily_unique")]
        indexes = [models.Index(fields=["locale", "day"])]

    def __str__(self):
        return f"{self.day} {self.locale} {self.query}"


class IndexBacklog(models.Model):
    """A page whose search-index update failed (a full disk, say), waiting for `kb_index_repair` to redo it.

    A plain page id, not a key: a page deleted meanwhile is simply skipped by the repair. A deleted
    page whose removal from the index failed keeps its external id in `removed_id`, which the
    repair takes out of the index.
    """

    page_id = models.PositiveIntegerField(unique=True)
    removed_id = models.CharField(max_length=EXTERNAL_ID_LENGTH, blank=True, default="")
    failed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"page {self.page_id}"
