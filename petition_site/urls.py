from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # English at /assange/, the others at /de/assange/ and so on.
    *i18n_patterns(path("", include("signatures.urls")), prefix_default_language=False),
]
