# doclisten: one image for every role (migrate, scheduler, worker, one-off commands).
#   docker build -t doclisten .
#   docker run --rm doclisten --help
# Configuration comes from the environment at run time (docs/configuration.md); no secrets are baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Unprivileged user that runs doclisten; /data is its working directory (e.g. a SQLite file when
# DOCLISTEN_DATABASE_URL is unset).
RUN groupadd --system --gid 10001 doclisten \
    && useradd --system --uid 10001 --gid doclisten --home-dir /home/doclisten --create-home \
       --shell /usr/sbin/nologin doclisten \
    && install -d -o doclisten -g doclisten /data

WORKDIR /src
COPY pyproject.toml README.md ./
COPY doclisten ./doclisten
COPY crawler ./crawler
COPY pipelines ./pipelines
COPY scheduler ./scheduler
# What docker-compose.yml needs (psycopg 3 for PostgreSQL, redis-py) are core dependencies.
RUN pip install . \
    && rm -rf /src/build /src/*.egg-info

USER doclisten
WORKDIR /data

ENTRYPOINT ["doclisten"]
CMD ["--help"]
