# RSOM for a force's deployment: one image for the web, worker and beat processes.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/assets.sh scripts/assets.sh
RUN bash scripts/assets.sh

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=rsom.settings
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /app/static/vendor static/vendor
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
    && useradd --system --home /app rsom && mkdir -p /data/media && chown rsom /data/media
USER rsom
ENV MEDIA_ROOT=/data/media
EXPOSE 8000
CMD ["gunicorn", "rsom.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
