"""StreamField blocks for knowledge-base articles and FAQ pages."""

from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import expand_db_html

from helpdesk.core.sanitize import clean_html, html_to_text

PARAGRAPH_FEATURES = ["h4", "bold", "italic", "ol", "ul", "link", "document-link", "code", "blockquote", "hr"]
INLINE_FEATURES = ["bold", "italic", "link", "document-link", "code"]


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text that is sanitised again on the way out, whoever wrote it."""

    def render_basic(self, value, context=None):
        return mark_safe(clean_html(expand_db_html(value.source if value else "")))  # noqa: S308 - sanitised

    def get_searchable_content(self, value):
        if not self.search_index or not value:
            return []
        return [html_to_text(expand_db_html(value.source))]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section")), ("h3", _("Sub-section"))], default="h2", label=_("Level"), search_index=False
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "kb/blocks/heading.html"


class StepsBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(SafeRichTextBlock(features=[*INLINE_FEATURES, "ul"], label=_("Step")), **kwargs)

    class Meta:
        icon = "list-ol"
        label = _("Steps")
        template = "kb/blocks/steps.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("note", _("Note"))],
        default="tip",
        label=_("Kind"),
        search_index=False,
    )
    text = SafeRichTextBlock(features=[*INLINE_FEATURES, "ul", "ol"], label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "kb/blocks/callout.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "kb/blocks/figure.html"


class VideoBlock(EmbedBlock):
    class Meta:
        icon = "media"
        label = _("Video")
        help_text = _("A link to the video (YouTube or Vimeo, for example).")
        template = "kb/blocks/video.html"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = SafeRichTextBlock(features=PARAGRAPH_FEATURES, label=_("Paragraph"), icon="pilcrow")
    steps = StepsBlock()
    callout = CalloutBlock()
    image = FigureBlock()
    video = VideoBlock()


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"))
    answer = SafeRichTextBlock(features=[*INLINE_FEATURES, "ul", "ol"], label=_("Answer"))
    anchor = blocks.CharBlock(
        required=False,
        label=_("Anchor"),
        help_text=_("The part of the link after #. Leave empty to make one from the question."),
        search_index=False,
    )

    class Meta:
        icon = "help"
        label = _("Question")


class FAQItemsBlock(blocks.StreamBlock):
    item = FAQItemBlock()


def anchor_for(text: str, taken: set[str]) -> str:
    """Return a readable, unique anchor id for `text` (Unicode kept), remembering it in `taken`."""
    base = slugify(text, allow_unicode=True)[:60].strip("-") or "section"
    anchor, number = base, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    taken.add(anchor)
    return anchor
