from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # /en/assange/, /de/assange/ ...; /assange/ redirects by the visitor's language.
    *i18n_patterns(path("", include("signatures.urls"))),
]
