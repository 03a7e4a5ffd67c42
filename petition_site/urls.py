from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from signatures import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("signatures.urls")),
]
