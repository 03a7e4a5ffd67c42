"""gunicorn settings, read from the environment like the Django settings."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so no slow leak lives for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Application code is imported once, before forking.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
# No link tokens and no client addresses in the access log (petition_site/lib/logs.py).
logger_class = "petition_site.lib.logs.AccessLogger"
errorlog = "-"
# Forwarded headers are read only from the proxy (the compose file gives its
# address), and only X-Forwarded-Proto: never SCRIPT_NAME or PATH_INFO, so no
# client can move the site under a prefix of its choosing.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
