"""The help centre's page tree: locales, one KB home per language, and the editors' rights.

`kb_tree_ensure()` is idempotent. It runs after every `migrate` (see kb/apps.py), from
`seed_demo` and before every import, so /en/help/, /ar/help/ and /fa/help/ always exist.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site

from helpdesk.accounts.roles import AGENT, MANAGER

from .models import KBHomePage

HOME_TITLES = {"en": "Help centre", "ar": "مركز المساعدة", "fa": "مرکز راهنما"}
HOME_INTROS = {
    "en": "Answers about orders, delivery, returns and payments, any time.",
    "ar": "إجابات عن الطلبات والتوصيل والإرجاع والدفع، في أي وقت.",
    "fa": "پاسخ پرسش‌های شما دربارهٔ سفارش، ارسال، مرجوعی و پرداخت، در هر ساعت.",
}
HOME_SLUG = "help"
EDITOR_GROUPS = (AGENT, MANAGER)
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


def content_languages() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def locales_ensure() -> dict[str, Locale]:
    """Make sure a Wagtail Locale exists for every content language."""
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in content_languages()}


def _tree_root(locale: Locale) -> Page:
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def _default_home(root: Page, locale: Locale) -> KBHomePage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and site.root_page.specific_class is KBHomePage:
        return site.root_page.specific
    home = KBHomePage.objects.filter(locale=locale, depth=2).first()
    if home is None:
        home = root.add_child(
            instance=KBHomePage(
                title=HOME_TITLES.get(locale.language_code, HOME_TITLES["en"]),
                intro=HOME_INTROS.get(locale.language_code, ""),
                slug=HOME_SLUG,
                locale=locale,
                live=False,
            )
        )
        home.save_revision().publish()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=settings.WAGTAIL_SITE_NAME
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home


def _translated_home(home: KBHomePage, locale: Locale) -> KBHomePage:
    translation = home.get_translation_or_none(locale)
    if translation is not None:
        return translation
    translation = home.copy_for_translation(locale)
    translation.title = HOME_TITLES.get(locale.language_code, home.title)
    translation.intro = HOME_INTROS.get(locale.language_code, home.intro)
    translation.save_revision().publish()
    return translation


def _remove_stock_welcome_page(root: Page) -> None:
    """Delete Wagtail's "Welcome to your new Wagtail site!" page once the help centre replaces it."""
    page_type = ContentType.objects.get_for_model(Page)
    for page in root.get_children().filter(content_type=page_type, slug="home", numchild=0):
        if not page.is_site_root():
            page.delete()


def permissions_ensure(homes) -> None:
    """Let Agents and Managers add, edit and publish help-centre pages and upload images and files."""
    page_type = ContentType.objects.get_for_model(Page)
    page_permissions = list(Permission.objects.filter(content_type=page_type, codename__in=PAGE_PERMISSIONS))
    collection_permissions = [
        permission
        for app_label, codename in COLLECTION_PERMISSIONS
        if (permission := Permission.objects.filter(content_type__app_label=app_label, codename=codename).first())
    ]
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for name in EDITOR_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        for home in homes:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
        for permission in collection_permissions:
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


@transaction.atomic
def kb_tree_ensure() -> dict[str, KBHomePage]:
    """Create what is missing of the help centre's tree; return the KB home per language code."""
    locales = locales_ensure()
    default = settings.LANGUAGE_CODE
    root = _tree_root(locales[default])
    home = _default_home(root, locales[default])
    homes = {default: home}
    for code, locale in locales.items():
        if code != default:
            homes[code] = _translated_home(home, locale)
    _remove_stock_welcome_page(root)
    permissions_ensure(homes.values())
    return homes


def tree_ensure_after_migrate(sender, using=None, **kwargs):
    """`post_migrate` receiver: build the tree once the KB tables exist (skipped when migrated away)."""
    from django.db import connections

    if KBHomePage._meta.db_table in connections[using or "default"].introspection.table_names():
        kb_tree_ensure()
