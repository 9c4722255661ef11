# One image for every Martello service: `martello run --modules <names>` picks what a container runs.
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && useradd --system --home /var/lib/martello martello \
    && mkdir -p /var/lib/martello && chown martello /var/lib/martello

USER martello
ENV MTL_HTTP_HOST=0.0.0.0 \
    MTL_HTTP_PORT=8080 \
    MTL_DATA_DIR=/var/lib/martello
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=2)"
CMD ["martello", "run"]
