# seekreel: the HTTP API and web editor (`seekreel serve`) in one Debian-based image.
#
#   docker build -t seekreel .
#   docker run -p 8000:8000 -e SEEKREEL_API_KEYS=change-me -v seekreel-data:/data seekreel
#
# docker-compose.yml runs the same image as a render farm (API, workers, Redis, PostgreSQL);
# /videos is where its API and workers share finished videos.
#
# It listens on 0.0.0.0, so it refuses to start without API keys (SEEKREEL_API_KEYS or
# SEEKREEL_OAUTH_CLIENTS) unless SEEKREEL_ALLOW_OPEN=1 says to run open on purpose.
# The container runs as a non-root user, which cannot create a network namespace: the
# renderer's other isolation layers stay on and `seekreel doctor` reports that one as inactive.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The headless browser, the only fonts compositions may use, and unshare (util-linux).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        chromium-headless-shell \
        fonts-inter fonts-noto-core fonts-noto-mono fonts-noto-color-emoji fonts-jetbrains-mono \
        util-linux \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Pinned dependencies first, so code changes do not re-install them.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY sandbox ./sandbox
COPY service ./service
COPY prompts ./prompts
COPY templates ./templates
RUN pip install --no-deps .

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin seekreel \
    && mkdir -p /data /videos \
    && chown seekreel:seekreel /data /videos
USER seekreel
ENV SEEKREEL_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["seekreel", "serve", "--host", "0.0.0.0", "--port", "8000"]
