FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN groupadd --gid 1000 portero && useradd --create-home --uid 1000 --gid 1000 portero
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Static files collected at build time (whitenoise serves them, hashed and compressed).
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
    && mkdir -p /app/var && chown -R portero:portero /app/var
# Numeric, so Kubernetes can verify runAsNonRoot. The app writes only to /tmp and /app/var: the root file system
# can be read-only (deploy/kubernetes mounts emptyDirs there; tests/deploy/test_read_only_root.py).
USER 1000:1000
EXPOSE 8000
# No gunicorn access log: Portero writes one line per request itself, with the request id and without secrets.
CMD ["gunicorn", "portero.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--graceful-timeout", "30"]
