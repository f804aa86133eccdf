# syntax=docker/dockerfile:1
# immich-sidecar, to run next to Immich (see docker-compose.example.yml).
#
# Build stage: install immich-sidecar and its dependencies into a virtual environment.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/sidecar
COPY pyproject.toml README.md ./
COPY sidecar ./sidecar
COPY config ./config
RUN /opt/sidecar/bin/pip install .

# Runtime stage: the virtual environment only, run as an unprivileged user.
FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 sidecar \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin sidecar \
    && mkdir -p /data /config \
    && chown 10001:10001 /data
COPY --from=build /opt/sidecar /opt/sidecar
COPY --from=build /src/config/sidecar.example.toml /config/sidecar.example.toml
ENV PATH=/opt/sidecar/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    IMMICH_SIDECAR_CONFIG=/config/sidecar.toml \
    IMMICH_SIDECAR_STATE_DIR=/data
USER 10001:10001
WORKDIR /data
# /data: the inventory and state (writable); /config: sidecar.toml; the media folders are
# mounted read-only at the local_path values the config maps.
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=20s --start-period=120s --retries=3 \
    CMD ["immich-sidecar", "health"]
ENTRYPOINT ["immich-sidecar"]
CMD ["serve"]
