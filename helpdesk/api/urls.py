from django.urls import path

from kb import api as kb_api

from . import orders

app_name = "api"

urlpatterns = [
    path("orders", orders.OrderUpsertView.as_view(), name="orders"),
    path("kb/search", kb_api.KBSearchView.as_view(), name="kb_search"),
    path("kb/articles/<str:article_id>", kb_api.KBArticleView.as_view(), name="kb_article"),
]
