# syntax=docker/dockerfile:1
# Build stage: install immich-sidecar and its dependencies into a virtual environment.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/sidecar
COPY pyproject.toml README.md ./
COPY sidecar ./sidecar
RUN /opt/sidecar/bin/pip install .

# Runtime stage: the virtual environment only, run as an unprivileged user.
FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sidecar \
    && mkdir -p /data /config \
    && chown sidecar:sidecar /data
COPY --from=build /opt/sidecar /opt/sidecar
ENV PATH=/opt/sidecar/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    IMMICH_SIDECAR_CONFIG=/config/sidecar.toml \
    IMMICH_SIDECAR_STATE_DIR=/data
USER sidecar
WORKDIR /data
VOLUME ["/data"]
ENTRYPOINT ["immich-sidecar"]
CMD ["status"]
