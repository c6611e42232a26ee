from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.core.sanitize import plain_text

from .models import ArticleVote, VoteReason

COMMENT_LENGTH = ArticleVote._meta.get_field("comment").max_length


class ArticleVoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={
            "required": _("Please choose Yes or No."),
            "invalid_choice": _("Please choose Yes or No."),
        },
    )
    reason = forms.ChoiceField(
        choices=VoteReason.choices,
        required=False,
        error_messages={"invalid_choice": _("Please pick one of the reasons listed.")},
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_LENGTH,
        error_messages={"max_length": _("Please keep your comment under %(limit_value)d characters.")},
    )

    def clean_comment(self):
        return plain_text(self.cleaned_data["comment"], max_length=COMMENT_LENGTH)
