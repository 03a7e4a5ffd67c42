from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from signatures import views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # The same in every language, so outside the language prefixes.
    path("<slug:slug>/count.json", views.count_json, name="count_json"),
    path("<slug:slug>/countries.json", views.countries_json, name="countries_json"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # /en/assange/, /de/assange/ ...; /assange/ redirects by the visitor's language.
    *i18n_patterns(path("", include("signatures.urls"))),
]

# Inside the staff pages, refusals keep the admin's look and a way back.
handler400 = "signatures.refusals.bad_request"
handler403 = "signatures.refusals.permission_denied"
handler404 = "signatures.refusals.page_not_found"
