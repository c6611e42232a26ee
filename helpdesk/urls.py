from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from helpdesk.core import views as core_views
from helpdesk.mailbox.webhooks import mailgun_inbound
from kb import views as kb_views

handler400 = "helpdesk.core.views.bad_request"
handler403 = "helpdesk.core.views.permission_denied"
handler404 = "helpdesk.core.views.not_found"
handler500 = "helpdesk.core.views.server_error"

# Both admins sign staff in through the one rate-limited sign-in page.
staff_sign_in = RedirectView.as_view(pattern_name="accounts:sign_in", query_string=True)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", include("helpdesk.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/login/", staff_sign_in),
    path("admin/", admin.site.urls),
    path("cms/login/", staff_sign_in),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # One address for every language: the beacon sends the article's language in its events.
    path("kb/beacon", kb_views.article_beacon, name="kb_beacon"),
    path("email/inbound/mailgun/", mailgun_inbound, name="email_inbound_mailgun"),
]

urlpatterns += i18n_patterns(
    path("", include("helpdesk.core.urls")),
    path("staff/", include("helpdesk.accounts.urls")),
    path("staff/customers/", include("helpdesk.customers.staff_urls")),
    path("staff/tickets/", include("helpdesk.tickets.staff_urls")),
    path("staff/credit/", include("helpdesk.credits.staff_urls")),
    path("staff/chat/transcripts/", include("chat.transcript_urls")),
    path("staff/chat/", include("chat.staff_urls")),
    path("staff/surveys/", include("surveys.staff_urls")),
    path("staff/reports/kb/", include("kb.staff_urls")),
    path("staff/reports/", include("helpdesk.reports.urls")),
    path("account/credit/", include("helpdesk.credits.urls")),
    path("account/", include("helpdesk.customers.urls")),
    path("support/", include("helpdesk.tickets.urls")),
    path("chat/", include("chat.urls")),
    path("surveys/", include("surveys.urls")),
    path("help/search/", include("kb.search_urls")),
    path("help/", include("kb.urls")),
    path("help/", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
