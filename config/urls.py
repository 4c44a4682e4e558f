from django.contrib import admin
from django.urls import path

from config import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health.ReadinessView.as_view(), name="health"),
    path("health/ready/", health.ReadinessView.as_view(), name="health-ready"),
    path("health/live/", health.liveness, name="health-live"),
]
