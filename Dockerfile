# syntax=docker/dockerfile:1
# immich-sidecar, to run next to Immich (see docker-compose.example.yml).
#
# Build stage: install immich-sidecar and its dependencies into a virtual environment, then
# take pip and setuptools out of it (the runtime image installs nothing).
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/sidecar
COPY pyproject.toml README.md ./
COPY sidecar ./sidecar
COPY config ./config
RUN /opt/sidecar/bin/pip install . \
    && /opt/sidecar/bin/python -m pip uninstall --yes pip setuptools wheel

# Runtime stage: the virtual environment only; no pip or setuptools anywhere.
FROM python:3.11-slim-bookworm
# The base image's own pip, setuptools and wheel (wherever the base keeps them).
RUN python -c "import shutil, site, pathlib; [shutil.rmtree(p) if p.is_dir() else p.unlink() for d in site.getsitepackages() for n in ('pip', 'setuptools', 'wheel', 'pkg_resources', '_distutils_hack', 'distutils-precedence.pth', 'pip-*', 'setuptools-*', 'wheel-*') for p in pathlib.Path(d).glob(n)]" \
    && rm -f /usr/local/bin/pip* /usr/bin/pip* \
    && groupadd --system --gid 10001 sidecar \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin sidecar \
    && mkdir -p /data /config \
    && chown 10001:10001 /data
COPY --from=build /opt/sidecar /opt/sidecar
COPY --from=build /src/config/sidecar.example.toml /config/sidecar.example.toml
# Every `immich-sidecar` command starts as root, gives /data to PUID:PGID, reads the API key
# secret (IMMICH_API_KEY_FILE), then drops to PUID:PGID for good (sidecar/container.py).
ENV PATH=/opt/sidecar/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    IMMICH_SIDECAR_CONTAINER=1 \
    PUID=10001 \
    PGID=10001 \
    IMMICH_SIDECAR_CONFIG=/config/sidecar.toml \
    IMMICH_SIDECAR_STATE_DIR=/data
WORKDIR /data
# /data: the inventory and state (writable); /config: sidecar.toml; the media folders are
# mounted read-only at the local_path values the config maps.
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=20s --start-period=120s --retries=3 \
    CMD ["immich-sidecar", "health"]
ENTRYPOINT ["immich-sidecar"]
CMD ["serve"]
