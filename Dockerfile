# Dockerfile -- builds newsworker on Debian 12 (the release the tests use), runs the unit tests,
# and ships only the binary and its runtime libraries, as a non-root user, fit for a read-only root.
#
# No registry here? deploy/container/image.sh builds this on a debootstrapped bookworm base:
#   deploy/container/image.sh build      (BASE=localhost/newsworker-base:bookworm)
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
ARG DEBIAN_FRONTEND=noninteractive
# The package lists live in deploy/packages/, shared with deploy/local/deps.sh. Each list is
# copied just before its apt-get, so editing sources (or test.txt) keeps the big layer cached.
COPY deploy/packages/build.txt /tmp/packages/
RUN apt-get update \
 && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' /tmp/packages/build.txt \
    | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
# From test.txt only what `ctest -L unit` runs: the schema checks and the offline samples
# validate JSON with python3-jsonschema. tests/container checks that both names are in
# test.txt, so the list stays the one place.
COPY deploy/packages/test.txt /tmp/packages/
RUN sed -e 's/#.*//' -e 's/[[:space:]]//g' /tmp/packages/test.txt \
    | grep -x -e python3 -e python3-jsonschema >/tmp/packages/unit.txt \
 && [ "$(wc -l </tmp/packages/unit.txt)" -eq 2 ] \
 && apt-get update \
 && xargs apt-get install -y --no-install-recommends </tmp/packages/unit.txt \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole source tree (minus .dockerignore): unit tests also check files outside worker/
# and tests/ (README.md, deploy/newsworker.conf.example), as they do in a checkout.
COPY . ./
RUN cmake -S . -B build -DNW_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" \
 && ctest --test-dir build -L unit --output-on-failure \
 && strip build/newsworker

FROM ${BASE}
ARG DEBIAN_FRONTEND=noninteractive
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="newsworker" \
      org.opencontainers.image.description="Kafka news items normalized, deduplicated with Redis and enriched, back to Kafka" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="debian:bookworm-slim"
COPY deploy/packages/runtime.txt /tmp/runtime.txt
# A system user with a fixed numeric uid: Kubernetes' runAsNonRoot can only verify a
# numeric USER, and the manifests pin the same uid.
RUN apt-get update \
 && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' /tmp/runtime.txt \
    | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/runtime.txt \
 && groupadd --system --gid 10001 newsworker \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin newsworker
COPY --from=build /src/build/newsworker /usr/local/bin/newsworker
COPY deploy/container/healthcheck.sh /usr/local/bin/newsworker-healthcheck
# Fail the build, not the first start, when runtime.txt misses a library the binary links.
RUN if ldd /usr/local/bin/newsworker | grep 'not found'; then \
        echo 'deploy/packages/runtime.txt lacks the libraries above' >&2; exit 1; fi \
 && /usr/local/bin/newsworker --version
# The worker writes nothing to disk (logs go to stderr, state to Kafka and Redis), so the
# root file system can be mounted read-only.
USER 10001:10001
EXPOSE 8080
# Probes the port the worker listens on (NEWSWORKER_HTTP_PORT, default 8080) with bash's
# /dev/tcp: the runtime image carries no curl. start-period covers joining the group.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/newsworker-healthcheck"]
STOPSIGNAL SIGTERM
# exec form: the worker is PID 1 and receives SIGTERM itself, so it can drain and commit
ENTRYPOINT ["/usr/local/bin/newsworker"]
CMD ["run"]
