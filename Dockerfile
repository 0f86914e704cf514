# Backprop Explainer: one server process per container, listening on 0.0.0.0:$PORT.
#   docker build -t backprop-explainer .
#   docker run --rm -p 8000:8000 backprop-explainer

# Front-end libraries (KaTeX, uPlot, the QR code's), exactly as package-lock.json pins them.
# Node.js is needed only here and in the next stage; the runtime image carries none of it.
FROM node:22-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
# Optional build secrets, for builds behind a proxy or mirror: an npmrc and a CA
# bundle it may name as /tmp/build-ca.crt. Mounted for this step only, never stored.
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=secret,id=build-ca,target=/tmp/build-ca.crt \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier

# The page's modules bundled into one script and its styles into one sheet, with the
# build tools (esbuild) of package-lock.json; only the bundle leaves this stage.
FROM node:22-bookworm-slim AS bundle
WORKDIR /build
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=secret,id=build-ca,target=/tmp/build-ca.crt \
    npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier
COPY static ./static
COPY scripts/bundle.mjs ./scripts/
RUN node scripts/bundle.mjs

# The runtime dependencies, as pyproject.toml pins them. In a stage of their own:
# edits elsewhere in pyproject.toml (test tools, lint settings) give the same
# list, so the slow pip layer below stays cached.
FROM python:3.11-slim-bookworm AS requirements
WORKDIR /build
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt

# Bookworm, like the machines the app is developed and tested on.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
RUN groupadd --gid 10001 explainer \
    && useradd --uid 10001 --gid explainer --no-create-home --shell /usr/sbin/nologin explainer
WORKDIR /srv/backprop-explainer

# Dependencies before code, so that a change to the code reuses this slow layer.
# The app itself is not installed: it runs from this folder, where it finds
# templates/, static/, node_modules/ and build/ (the bundled page script) beside app/.
COPY --from=requirements /build/requirements.txt ./
# The same optional secrets as above, for pip: a pip.conf and the CA bundle.
RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf \
    --mount=type=secret,id=build-ca,target=/tmp/build-ca.crt \
    pip install --no-cache-dir -r requirements.txt

COPY --from=frontend /build/node_modules ./node_modules
COPY --from=bundle /build/build/static ./build/static
COPY templates ./templates
COPY static ./static
COPY app ./app

# The code stays owned by root, so the server cannot change it. A numeric user
# lets Kubernetes' runAsNonRoot check it without reading /etc/passwd.
USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=8000 \
    LOG_LEVEL=info \
    ACCESS_LOG=false
EXPOSE 8000
# Python's own urllib: the slim image has no curl, and none is needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
# One worker: sessions live in this process's memory (uvloop and httptools, no access log).
CMD ["python", "-m", "app", "--no-browser"]
