# zuora-mock: one process, in-memory store, demo fixtures bundled (bind-mount your own, see the README).
# The exact Python the image runs: the minor version the test suite runs on (3.11), a fixed patch release.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /src
COPY pyproject.toml README.md LICENSE constraints.txt ./
COPY zuora_mock ./zuora_mock
COPY fixtures ./fixtures
# Dependencies (and the setuptools of the isolated build) at the exact versions of constraints.txt.
RUN PIP_CONSTRAINT=/src/constraints.txt pip install --no-cache-dir . \
    && rm -rf /src \
    && useradd --system --no-create-home --shell /usr/sbin/nologin zuora

WORKDIR /
USER zuora

# Inside the container the server must listen on every interface; publish it with -p 8080:8080.
ENV ZUORA_MOCK_HOST=0.0.0.0 \
    ZUORA_MOCK_PORT=8080
EXPOSE 8080

# Your own fixtures: docker run -v "$PWD/my-fixtures:/fixtures:ro" -e ZUORA_MOCK_FIXTURES=/fixtures ...

HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('ZUORA_MOCK_PORT', '8080') + '/_mock/health', timeout=2)"]

STOPSIGNAL SIGTERM
CMD ["zuora-mock"]
