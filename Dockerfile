# syntax=docker/dockerfile:1
FROM python:3.13-slim AS build

ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Static files are collected at build time; the settings need a key to load,
# so this one exists only for this step and never reaches the image's env.
RUN SECRET_KEY=collectstatic-only .venv/bin/python manage.py collectstatic --no-input


FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH="/app/.venv/bin:$PATH"
# Pango renders the hand-in PDFs; Noto covers Latin, Greek, Cyrillic, Arabic and CJK;
# pg_dump and pg_restore make and load backups (manage.py backup/restore).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-noto-cjk postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system app && useradd --system --gid app --home-dir /app app
WORKDIR /app
COPY --from=build --chown=app:app /app /app
# Hand-in files (PRIVATE_MEDIA_ROOT); compose mounts a shared volume here.
RUN mkdir -p /app/private && chown app:app /app/private
USER app

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# The same image runs the worker: `docker run IMAGE python manage.py worker`.
# Migrations run once per release: `docker run IMAGE python manage.py migrate`.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "petition_site.wsgi"]
