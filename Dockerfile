# QMI platform image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

WORKDIR /app
RUN groupadd --system qmi && useradd --system --gid qmi --home /app qmi \
    && mkdir -p /data/media /app/staticfiles && chown -R qmi:qmi /data /app

# Runtime dependencies only: the test tools are in requirements-dev.lock.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY --chown=qmi:qmi . .
# collectstatic and the catalogues need settings but no database or secret.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py compile_translations \
    && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0

USER qmi
EXPOSE 8000
# GET /healthz with a Host from ALLOWED_HOSTS, never redirected to HTTPS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "qmi.healthcheck"]
CMD ["gunicorn", "qmi.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
