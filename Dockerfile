# Dockerfile -- builds newsworker on Debian 12 (the release the tests use), runs the unit tests,
# and ships only the binary and its runtime libraries.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
# The package lists live in deploy/packages/, shared with deploy/local/deps.sh.
COPY deploy/packages/ /tmp/packages/
RUN apt-get update \
 && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' /tmp/packages/build.txt \
    | xargs apt-get install -y --no-install-recommends python3 python3-jsonschema \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY worker/ worker/
COPY tests/ tests/
COPY schemas/ schemas/
RUN cmake -S . -B build -DNW_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" \
 && ctest --test-dir build -L unit --output-on-failure \
 && strip build/newsworker

FROM ${BASE}
COPY deploy/packages/runtime.txt /tmp/runtime.txt
RUN apt-get update \
 && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' /tmp/runtime.txt \
    | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime.txt \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin newsworker
COPY --from=build /src/build/newsworker /usr/local/bin/newsworker
USER 10001
# exec form: the worker is PID 1 and receives SIGTERM itself, so it can drain and commit
ENTRYPOINT ["/usr/local/bin/newsworker"]
CMD ["run"]
