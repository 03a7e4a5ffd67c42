import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from petition_site.front_cache import FrontCache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petition_site.settings")

application = FrontCache(get_wsgi_application(), settings.FRONT_CACHE_SECONDS)
