"""REST endpoints under /auth (no trailing slashes, as in the original API)."""

from django.urls import path

from campaign.auth import views

app_name = "auth"

urlpatterns = [
    path("register", views.register, name="register"),
    path("login", views.login, name="login"),
    path("refresh", views.refresh, name="refresh"),
    path("logout", views.logout, name="logout"),
    path("logout-all", views.logout_all, name="logout-all"),
    path("me", views.me, name="me"),
    path("api-keys", views.api_keys_collection, name="api-keys"),
    path("api-keys/<str:key_id>", views.api_key_item, name="api-key"),
]
