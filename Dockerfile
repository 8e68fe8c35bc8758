# The web process, the Celery worker and beat all run this image (compose.yaml); only the
# command differs. Settings come from the environment (README, "Production").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings_production VAR_DIR=/srv/var

# WeasyPrint's Pango and HarfBuzz, libmagic for uploads, the fonts the documents use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz0b libharfbuzz-subset0 libmagic1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/app
COPY pyproject.toml README.md ./
COPY config config
COPY labelling labelling
COPY assessments assessments
COPY reports reports
COPY templates templates
COPY static static
COPY locale locale
COPY manage.py ./
RUN pip install . && useradd --system --home /srv app && mkdir -p /srv/var && chown app /srv/var

# Static files are collected into the image (WhiteNoise serves them) with throwaway settings:
# the real ones are given when a container starts.
RUN DJANGO_SETTINGS_MODULE=config.settings python manage.py collectstatic --noinput --verbosity 0

USER app
EXPOSE 8000
ENV HOST=0.0.0.0 PORT=8000
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn_conf.py"]
