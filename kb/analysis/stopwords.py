"""Stop words per locale, passed through the same normalisation as the text they are matched to.

The lists are written the way people type (with hamzas, ي or ی, ة); normalising them at load
means "إلى", "الى" and "إلي" are all the one stop word "الي", whatever the keyboard.
Affixes that people separate with a space or ZWNJ ("می خواهم", "کتاب ها", "بزرگ ترین") are stop
words in Persian, so the separated and the joined spellings index the same terms.
"""

from functools import cache

from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.stopwords import stoplists

from kb.analysis.normalise import check_locale, normalize, split_terms

ENGLISH = """
    also could would shall might must please hi hello thanks dont doesnt didnt cant wont isnt
    arent wasnt werent im ive youre youve theyre lets
"""

ARABIC = """
    في من إلى الى على عن مع هذا هذه هذان هاتان هؤلاء ذلك تلك أولئك الذي التي الذين اللذين
    اللتين اللواتي اللاتي ما ماذا متى أين كيف هل لماذا لم لن لا ليس ليست كم أي أو أم ثم لكن
    بل حتى إذا إذ إن أن كأن لأن لعل ليت قد لقد كل بعض غير سوى عند عندما بين بعد قبل فوق تحت
    حول دون منذ لدى خلال عبر نحو ضد نعم كان كانت كانوا يكون تكون يكن أكون نكون هو هي هم هما
    هن أنا نحن أنت أنتم أنتن أنتما له لها لهم لهن لهما لك لكم لي لنا به بها بهم بك بكم بي بنا
    منه منها منهم منك منكم مني منا عليه عليها عليهم عليك عليكم علي علينا فيه فيها فيهم فيك
    فيكم فينا إليه إليها إليهم إليك إليكم إلي إلينا عنه عنها عنهم عنك عنكم عني عنا معه معها
    معهم معك معكم معي معنا هنا هناك هنالك الآن أيضا جدا فقط كذلك لذلك ذات ذو ذي وهو وهي و ف
    ب ل ك يا أما إما إلا ولا ولم ولن وما وقد وكان وكانت والذي والتي فإن وإن لو كلما كلها كله
    كلهم مثل حيث بينما أنه أنها إنه إنها لأنه يمكن يمكنني يمكنك يمكنكم أستطيع تستطيع نستطيع
    السلام عليكم مرحبا شكرا فضلك رجاء
"""

PERSIAN = """
    از به با در برای بر تا که و یا را این آن اینها آنها ها های هایی هایم هایت هایش هایمان
    هایتان هایشان می نمی ترین تر ام ات اش ای ایم اید اند مان تان شان هم نیز اگر اما ولی
    لیکن پس چون زیرا چه چرا کجا کجاست کی کدام چطور چطوری چگونه چند چندین چیست کیست است هست
    نیست بود بودن باشد باشم باشی باشیم باشید باشند شد شده شود شوند شدن شدند شدم بوده هستند
    هستید هستم هستیم من تو او ما شما ایشان وی خود همه هر هیچ یک یکی دیگر دیگری باید نباید
    شاید روی زیر بین پیش بعد قبل مثل مانند همان همین چنین چنان آنچه اینکه آنکه وقتی هنگام
    طی ضمن نزد سوی درباره بدون جز غیر حتی فقط تنها نه بله آری خیر آیا البته همچنین سپس اینجا
    آنجا کسی چیزی بسیار خیلی کنید کنم کند کنند کنی کنیم کرد کرده کردن کردم کردید دارد دارم
    داری دارید دارند داریم داشت داشته توان تواند توانم توانی توانید توانند توانیم لطفا سلام
    ممنون متشکرم مرسی
"""


def _normalised_words(words, locale: str) -> frozenset[str]:
    return frozenset(term for word in words for term, _ in split_terms(normalize(word, locale)))


_ENGLISH_WORDS = [*stoplists["en"], *STOP_WORDS, *ENGLISH.split()]
_OWN_WORDS = {"en": [], "ar": ARABIC.split(), "fa": PERSIAN.split()}


@cache
def stop_words(locale: str) -> frozenset[str]:
    """Return the normalised stop words of `locale`; English ones apply to Latin words everywhere."""
    return _normalised_words(_ENGLISH_WORDS + _OWN_WORDS[check_locale(locale)], locale)
