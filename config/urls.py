from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from api import health, metrics
from api.graphql.view import CampaignGraphQLView
from api.websocket.polling import refuse_polling
from campaign import audit_export

urlpatterns = [
    path("admin/", admin.site.urls),
    path("auth/", include("campaign.auth.urls")),
    path("audit/export", audit_export.export, name="audit-export"),
    # Authenticated by token headers only (never cookies), so CSRF cannot apply.
    path("graphql", csrf_exempt(CampaignGraphQLView.as_view(graphiql=True))),
    path("graphql/", csrf_exempt(CampaignGraphQLView.as_view(graphiql=True))),
    path("health/", health.ReadinessView.as_view(), name="health"),
    path("health/ready/", health.ReadinessView.as_view(), name="health-ready"),
    path("health/live/", health.liveness, name="health-live"),
    path("metrics", metrics.metrics, name="metrics"),
    path("socket.io/", refuse_polling, name="socketio-polling"),
]
