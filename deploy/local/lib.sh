# Bash library for the local Redis + Kafka (KRaft) test stack; sourced by stack.sh, demo.sh, test.sh and integration tests.
# shellcheck shell=bash
#
# All state (pids, logs, data, chosen ports) lives in files under $NW_STACK_DIR,
# never only in shell variables, so a second script that sources this file with
# the exported NW_* variables can stop/restart the very same services.
#
# Conventions: functions return non-zero on failure instead of exiting, and
# guard every step with `|| return 1`, because `set -e` is ignored inside
# functions called from `if`/`||` contexts. Messages go to stderr so stdout of
# the caller stays usable (e.g. `eval "$(nw_stack_env)"`). Nothing here changes
# the caller's shell options.

NW_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NW_KAFKA_VERSION=${NW_KAFKA_VERSION:-3.9.1}
# Git-ignored; CI can point this at its own cache directory.
NW_CACHE_DIR=${NW_CACHE_DIR:-$NW_LIB_DIR/.cache}

nw__say() { printf '%s\n' "$*" >&2; }

# Milliseconds since the epoch; used for readiness timings.
nw__now_ms() { date +%s%3N; }

# A zombie still answers kill -0, so look at the state of every thread: alive while any
# thread is neither zombie (Z) nor dead (X). The leader thread alone is not enough: while a
# JVM exits, its leader can be a zombie with other threads still running, and a process
# reaped between kill -0 and reading its stat file has no state at all (CI once read
# "alive" that way and gave up on a broker that had stopped).
nw__alive() {
    local pid=${1:-} f line st
    [ -n "$pid" ] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Builtins only: no pipeline whose status pipefail could turn into a false "dead" when
    # a thread exits between the glob and the read.
    for f in /proc/"$pid"/task/*/stat; do
        { read -r line <"$f"; } 2>/dev/null || continue
        st=${line##*) }
        st=${st%% *}
        case $st in Z|X|"") ;; *) return 0 ;; esac
    done
    return 1
}

# Guards against pid reuse: only signal a saved pid whose command line still
# looks like the process we started.
nw__pid_is() {
    local pid=$1 pattern=$2
    [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"
}

nw__read_pid() {
    local f=$1 pid=""
    if [ -f "$f" ]; then read -r pid <"$f" 2>/dev/null || true; fi
    printf '%s' "$pid"
}

# True when something is listening on 127.0.0.1:PORT (or any address on that port).
nw__port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

# Plain TCP connect probe (no ss dependency, works for "is it accepting yet").
nw__tcp_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

nw__mark_failed() {
    [ -n "${NW_STACK_DIR:-}" ] && [ -d "$NW_STACK_DIR" ] && : >"$NW_STACK_DIR/failed"
    return 0
}

# Loads the ports etc. of an existing stack if the caller did not export them.
nw__load_env() {
    if [ -n "${NW_STACK_DIR:-}" ] && [ -f "$NW_STACK_DIR/stack.env" ]; then
        local line name
        while IFS= read -r line; do
            case "$line" in export\ NW_*=*) ;; *) continue ;; esac
            name=${line#export }; name=${name%%=*}
            # An explicitly exported value wins over the file.
            [ -n "${!name:-}" ] || eval "$line"
        done <"$NW_STACK_DIR/stack.env"
    fi
}

nw__need_stack() {
    if [ -z "${NW_STACK_DIR:-}" ] || [ ! -d "$NW_STACK_DIR" ]; then
        nw__say "stack: NW_STACK_DIR is not set or missing; call nw_stack_init first"
        return 1
    fi
    nw__load_env
}

nw__write_env() {
    nw_stack_env >"$NW_STACK_DIR/stack.env"
}

# ---------------------------------------------------------------- stack setup

nw_stack_init() {
    # Re-use a stack that already exists (a test re-sourcing lib.sh, or `stack.sh down`).
    if [ -n "${NW_STACK_DIR:-}" ] && [ -d "$NW_STACK_DIR" ]; then
        nw__load_env
        NW_REDIS_PORT=${NW_REDIS_PORT:-16379}
        NW_KAFKA_PORT=${NW_KAFKA_PORT:-19092}
        NW_KAFKA_CONTROLLER_PORT=${NW_KAFKA_CONTROLLER_PORT:-19093}
        NW_KAFKA_SASL_PORT=${NW_KAFKA_SASL_PORT:-19094}
    else
        NW_STACK_DIR=$(mktemp -d /tmp/newsworker-stack.XXXXXX) || return 1
        export NW_STACK_DIR
        NW_REDIS_PORT=${NW_REDIS_PORT:-16379}
        NW_KAFKA_PORT=${NW_KAFKA_PORT:-19092}
        NW_KAFKA_CONTROLLER_PORT=${NW_KAFKA_CONTROLLER_PORT:-19093}
        NW_KAFKA_SASL_PORT=${NW_KAFKA_SASL_PORT:-19094}
        # Fail before starting anything: a leftover service on our port would
        # otherwise answer the readiness probes and make the tests lie.
        local port busy=""
        for port in "$NW_REDIS_PORT" "$NW_KAFKA_PORT" "$NW_KAFKA_CONTROLLER_PORT" "$NW_KAFKA_SASL_PORT"; do
            if nw__port_in_use "$port"; then busy="$busy $port"; fi
        done
        if [ -n "$busy" ]; then
            nw__say "stack: port(s) already in use on this machine:$busy"
            nw__say "stack: stop the other service or choose ports via NW_REDIS_PORT / NW_KAFKA_PORT / NW_KAFKA_CONTROLLER_PORT / NW_KAFKA_SASL_PORT"
            rm -rf "$NW_STACK_DIR"
            unset NW_STACK_DIR
            return 1
        fi
    fi
    export NW_STACK_DIR NW_REDIS_PORT NW_KAFKA_PORT NW_KAFKA_CONTROLLER_PORT NW_KAFKA_SASL_PORT
    export NW_REDIS_URL="redis://127.0.0.1:$NW_REDIS_PORT/0"
    export NW_KAFKA_BOOTSTRAP="127.0.0.1:$NW_KAFKA_PORT"
    export NW_KAFKA_SASL_BOOTSTRAP="127.0.0.1:$NW_KAFKA_SASL_PORT"
    nw__secrets || return 1
    nw__write_env
    nw__say "stack: state in $NW_STACK_DIR"
}

# Prints `export` lines for every stack variable, for eval or for re-sourcing.
nw_stack_env() {
    local v
    for v in NW_STACK_DIR NW_REDIS_PORT NW_REDIS_URL NW_KAFKA_PORT NW_KAFKA_CONTROLLER_PORT \
             NW_KAFKA_BOOTSTRAP NW_KAFKA_VERSION NW_KAFKA_LIB NW_KAFKA_CLASSPATH \
             NW_KAFKA_SASL_PORT NW_KAFKA_SASL_BOOTSTRAP NW_KAFKA_SASL_USER NW_KAFKA_SASL_PASSWORD_FILE \
             NW_REDIS_ACL_USER NW_REDIS_ACL_PASSWORD_FILE NW_REDIS_ACL_PREFIX; do
        [ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
    done
    return 0
}

# ---------------------------------------------------------------- credentials

# Per-stack credentials for the Kafka SASL listener and the Redis ACL user, generated once per
# stack. Only these files hold the passwords (0600 in a 0700 dir, each ending in a newline
# like a mounted secret); the environment carries their paths, so `stack.sh up` never prints
# a secret. Idempotent: also called for a stack created before the files existed.
nw__secrets() {
    local dir="$NW_STACK_DIR/secrets" f
    mkdir -p "$dir" && chmod 700 "$dir" || return 1
    for f in kafka-sasl.password redis-acl.password; do
        if [ ! -s "$dir/$f" ]; then
            (umask 077; { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; echo; } >"$dir/$f") || return 1
        fi
    done
    export NW_KAFKA_SASL_USER=${NW_KAFKA_SASL_USER:-newsworker}
    export NW_KAFKA_SASL_PASSWORD_FILE="$dir/kafka-sasl.password"
    export NW_REDIS_ACL_USER=${NW_REDIS_ACL_USER:-newsworker}
    export NW_REDIS_ACL_PASSWORD_FILE="$dir/redis-acl.password"
    # The ACL user may touch only keys under this prefix (the worker's redis.key_prefix).
    export NW_REDIS_ACL_PREFIX=${NW_REDIS_ACL_PREFIX:-nw:}
}

# A secret file's content without its trailing newline.
nw__secret() { tr -d '\r\n' <"$1"; }

# ---------------------------------------------------------------- Kafka jars

# Resolves the broker jars into $NW_CACHE_DIR/kafka-<version>/lib (reused across
# runs) and compiles KafkaAdmin.java next to them. Exports NW_KAFKA_LIB and
# NW_KAFKA_CLASSPATH (jars + admin helper classes).
nw_kafka_jars() {
    local home="$NW_CACHE_DIR/kafka-$NW_KAFKA_VERSION"
    local pom="$NW_LIB_DIR/kafka/pom.xml" src="$NW_LIB_DIR/kafka/KafkaAdmin.java"
    local want have rc=0 t0 ms
    command -v java >/dev/null 2>&1 || { nw__say "kafka: java not found (run deploy/local/deps.sh)"; return 1; }
    mkdir -p "$home" || return 1
    # Parallel CI jobs on one checkout must not fill the same lib/ at once.
    exec {nw_lock_fd}>"$NW_CACHE_DIR/.lock" || return 1
    flock -w 900 "$nw_lock_fd" || { nw__say "kafka: timed out waiting for the jar cache lock"; exec {nw_lock_fd}>&-; return 1; }

    # The stamp records what the jars were resolved from, so editing the pom or
    # the version invalidates the cache; a missing stamp means an interrupted copy.
    want="$NW_KAFKA_VERSION $(sha256sum "$pom" | cut -d' ' -f1)"
    have=$(cat "$home/lib.stamp" 2>/dev/null || true)
    if [ "$want" != "$have" ] || [ ! -d "$home/lib" ]; then
        command -v mvn >/dev/null 2>&1 || { nw__say "kafka: mvn not found (run deploy/local/deps.sh)"; exec {nw_lock_fd}>&-; return 1; }
        nw__say "kafka: resolving Kafka $NW_KAFKA_VERSION jars with Maven into $home/lib"
        t0=$(nw__now_ms)
        rm -rf "${home:?}/lib" "$home/lib.stamp" "$home/admin.stamp"
        # copy-dependencies only adds files, hence the rm above; runtime scope is
        # required because Kafka's own server modules are runtime-scoped.
        # Debian's Maven 3.8.7 prints bare ANSI resets even with -q -B; strip them
        # so only real [ERROR] lines reach the terminal.
        mvn -q -B -f "$pom" "-Dkafka.version=$NW_KAFKA_VERSION" \
            dependency:copy-dependencies "-DoutputDirectory=$home/lib" -DincludeScope=runtime 2>&1 \
            | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
        rc=${PIPESTATUS[0]}
        if [ "$rc" -ne 0 ] || ! ls "$home/lib/kafka_2.13-$NW_KAFKA_VERSION.jar" >/dev/null 2>&1; then
            nw__say "kafka: Maven could not resolve the jars (exit $rc)"
            exec {nw_lock_fd}>&-
            return 1
        fi
        printf '%s\n' "$want" >"$home/lib.stamp"
        ms=$(( $(nw__now_ms) - t0 ))
        nw__say "kafka: jars resolved in $(( ms / 1000 )).$(( ms % 1000 / 100 )) s"
    fi

    # Compiling once saves ~1 s of in-memory compilation on every admin call.
    want=$(cat "$home/lib.stamp" "$src" | sha256sum | cut -d' ' -f1)
    have=$(cat "$home/admin.stamp" 2>/dev/null || true)
    if [ "$want" != "$have" ] || [ ! -f "$home/admin/KafkaAdmin.class" ]; then
        rm -rf "$home/admin" "$home/admin.stamp"
        mkdir -p "$home/admin"
        if command -v javac >/dev/null 2>&1; then
            javac -nowarn -d "$home/admin" -cp "$home/lib/*" "$src" >&2 || {
                nw__say "kafka: compiling KafkaAdmin.java failed"; exec {nw_lock_fd}>&-; return 1; }
            printf '%s\n' "$want" >"$home/admin.stamp"
        fi
    fi
    exec {nw_lock_fd}>&-

    export NW_KAFKA_LIB="$home/lib"
    if [ -f "$home/admin/KafkaAdmin.class" ]; then
        export NW_KAFKA_CLASSPATH="$home/lib/*:$home/admin"
    else
        # A JRE without javac still runs the helper through the source launcher.
        export NW_KAFKA_CLASSPATH="$home/lib/*"
    fi
    [ -n "${NW_STACK_DIR:-}" ] && [ -d "$NW_STACK_DIR" ] && nw__write_env
    return 0
}

# Short-lived JVMs (admin helper, StorageTool): C1 only and serial GC start faster.
nw__java_tool() {
    java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
        "-Dlog4j.configuration=file:$NW_LIB_DIR/kafka/log4j.properties" "$@"
}

# Runs the admin helper: nw_kafka_admin wait|create|delete|recreate|list|offsets|end-offsets <bootstrap> ...
nw_kafka_admin() {
    [ -n "${NW_KAFKA_CLASSPATH:-}" ] || nw_kafka_jars || return 1
    case "$NW_KAFKA_CLASSPATH" in
        *:*) nw__java_tool -cp "$NW_KAFKA_CLASSPATH" KafkaAdmin "$@" ;;
        *)   nw__java_tool -cp "$NW_KAFKA_CLASSPATH" "$NW_LIB_DIR/kafka/KafkaAdmin.java" "$@" ;;
    esac
}

# ---------------------------------------------------------------- Redis

nw_redis_start() {
    nw__need_stack || return 1
    local pidf="$NW_STACK_DIR/redis.pid" log="$NW_STACK_DIR/redis.log" pid
    pid=$(nw__read_pid "$pidf")
    if nw__alive "$pid" && nw__pid_is "$pid" redis-server; then
        nw__say "redis: already running (pid $pid)"
        return 0
    fi
    rm -f "$pidf"
    if nw__port_in_use "$NW_REDIS_PORT"; then
        nw__say "redis: port $NW_REDIS_PORT is already in use by another process"
        nw__mark_failed; return 1
    fi
    mkdir -p "$NW_STACK_DIR/redis" || return 1
    # No persistence: each stack starts empty and a restart mid-test loses the data,
    # which is exactly the "Redis came back empty" case the worker must survive. Lazy expiry:
    # a band bucket is one big hash, freed in the background when it expires.
    echo "=== start $(date -Is)" >>"$log"
    redis-server --bind 127.0.0.1 --port "$NW_REDIS_PORT" --save '' --appendonly no \
        --lazyfree-lazy-expire yes \
        --daemonize no --dir "$NW_STACK_DIR/redis" --logfile '' \
        >>"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pidf"
    # Bounded readiness wait: 50 x 0.2 s = 10 s.
    for _ in $(seq 1 50); do
        if ! nw__alive "$pid"; then
            nw__say "redis: exited during start-up; last lines of $log:"
            tail -n 20 "$log" >&2
            rm -f "$pidf"; nw__mark_failed; return 1
        fi
        if [ "$(redis-cli -h 127.0.0.1 -p "$NW_REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; then
            nw__redis_acl || { nw__mark_failed; nw_redis_stop || true; return 1; }
            nw__say "redis: ready on 127.0.0.1:$NW_REDIS_PORT (pid $pid)"
            return 0
        fi
        sleep 0.2
    done
    nw__say "redis: not ready after 10 s; log: $log"
    tail -n 20 "$log" >&2
    nw__mark_failed
    nw_redis_stop || true
    return 1
}

# The worker's least-privilege ACL user: only the commands newsworker sends (AUTH, PING,
# SELECT, SCRIPT LOAD, EVALSHA) and those its claim script calls (GET, SET, MGET, HMGET,
# HSET, EXPIRE), only on keys
# under $NW_REDIS_ACL_PREFIX. The password is given as its SHA-256 (#...), so it never shows
# on a command line. Applied on every start: there is no persistence. The default user stays
# as it was (no password) for everything else.
nw__redis_acl() {
    local hash out
    nw__secrets || return 1
    hash=$(nw__secret "$NW_REDIS_ACL_PASSWORD_FILE" | sha256sum | cut -d' ' -f1) || return 1
    out=$(redis-cli -h 127.0.0.1 -p "$NW_REDIS_PORT" ACL SETUSER "$NW_REDIS_ACL_USER" reset on \
          "#$hash" "~${NW_REDIS_ACL_PREFIX}*" resetchannels -@all \
          +auth +ping +select "+script|load" +evalsha +get +set +mget +hmget +hset +expire +exists +unlink +hlen +hscan 2>&1)
    if [ "$out" != "OK" ]; then
        nw__say "redis: ACL SETUSER $NW_REDIS_ACL_USER failed: $out"
        return 1
    fi
}

nw_redis_stop() {
    nw__need_stack || return 1
    local pidf="$NW_STACK_DIR/redis.pid" pid
    pid=$(nw__read_pid "$pidf")
    if ! nw__alive "$pid" || ! nw__pid_is "$pid" redis-server; then
        rm -f "$pidf"
        return 0
    fi
    # Polite first: shutdown nosave returns quickly and closes the port cleanly.
    timeout 5 redis-cli -h 127.0.0.1 -p "$NW_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do nw__alive "$pid" || break; sleep 0.1; done
    if nw__alive "$pid"; then
        nw__say "redis: did not stop within 5 s, sending SIGKILL to pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do nw__alive "$pid" || break; sleep 0.1; done
    fi
    rm -f "$pidf"
    if nw__alive "$pid"; then
        nw__say "redis: pid $pid is still alive"
        return 1
    fi
    nw__say "redis: stopped"
}

# ---------------------------------------------------------------- Kafka

# Renders server.properties for the current stack (cheap, so done on every start). It holds
# the SASL PLAIN password (the broker's JAAS user list), hence umask 077.
nw__kafka_config() {
    local kdir="$NW_STACK_DIR/kafka" pw
    mkdir -p "$kdir/data" || return 1
    nw__secrets || return 1
    pw=$(nw__secret "$NW_KAFKA_SASL_PASSWORD_FILE") || return 1
    (umask 077; sed -e "s|@KAFKA_PORT@|$NW_KAFKA_PORT|g" \
        -e "s|@CONTROLLER_PORT@|$NW_KAFKA_CONTROLLER_PORT|g" \
        -e "s|@SASL_PORT@|$NW_KAFKA_SASL_PORT|g" \
        -e "s|@SASL_USER@|$NW_KAFKA_SASL_USER|g" \
        -e "s|@SASL_PASSWORD@|$pw|g" \
        -e "s|@DATA_DIR@|$kdir/data|g" \
        "$NW_LIB_DIR/kafka/server.properties.in" >"$kdir/server.properties")
}

# The --add-scram argument of StorageTool format for the stack's SASL user. With python3 the
# credential is given salted (PBKDF2-HMAC-SHA-512, as Kafka's ScramFormatter computes it), so
# the password is not on the JVM's command line; without it, in clear.
nw__scram_arg() {
    local pw
    pw=$(nw__secret "$NW_KAFKA_SASL_PASSWORD_FILE") || return 1
    if command -v python3 >/dev/null 2>&1; then
        NW_PW=$pw python3 -c '
import base64, hashlib, os, sys
salt = os.urandom(16)
salted = hashlib.pbkdf2_hmac("sha512", os.environ["NW_PW"].encode(), salt, 4096)
b = lambda x: base64.b64encode(x).decode()
print(f"SCRAM-SHA-512=[name={sys.argv[1]},iterations=4096,salt=\"{b(salt)}\",saltedpassword=\"{b(salted)}\"]")
' "$NW_KAFKA_SASL_USER"
    else
        printf 'SCRAM-SHA-512=[name=%s,password=%s]\n' "$NW_KAFKA_SASL_USER" "$pw"
    fi
}

nw_kafka_start() {
    nw__need_stack || return 1
    local kdir="$NW_STACK_DIR/kafka" pidf="$NW_STACK_DIR/kafka.pid" log="$NW_STACK_DIR/kafka.log"
    local timeout_s=${NW_KAFKA_START_TIMEOUT:-90} pid cid t0 deadline left port scram
    pid=$(nw__read_pid "$pidf")
    if nw__alive "$pid" && nw__pid_is "$pid" kafka.Kafka; then
        nw__say "kafka: already running (pid $pid)"
        return 0
    fi
    rm -f "$pidf"
    nw_kafka_jars || { nw__mark_failed; return 1; }
    for port in "$NW_KAFKA_PORT" "$NW_KAFKA_CONTROLLER_PORT" "$NW_KAFKA_SASL_PORT"; do
        if nw__port_in_use "$port"; then
            nw__say "kafka: port $port is already in use by another process"
            nw__mark_failed; return 1
        fi
    done
    nw__kafka_config || return 1

    t0=$(nw__now_ms)
    # Format only a fresh data dir: a restart mid-test must keep topics and offsets.
    if [ ! -f "$kdir/data/meta.properties" ]; then
        cid=$(nw__java_tool -cp "$NW_KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2>>"$log") || {
            nw__say "kafka: StorageTool random-uuid failed; log: $log"; tail -n 20 "$log" >&2
            nw__mark_failed; return 1; }
        # Keep only the 22-character id: a stray logging backend (log4j2 without a
        # config, seen with 4.x jars) prints its complaints to stdout too.
        cid=$(printf '%s\n' "$cid" | grep -E '^[A-Za-z0-9_-]{22}$' | tail -n 1)
        if [ -z "$cid" ]; then
            nw__say "kafka: StorageTool random-uuid printed no cluster id; log: $log"
            nw__mark_failed; return 1
        fi
        echo "$cid" >"$kdir/cluster.id"
        echo "=== format $(date -Is) cluster.id=$cid" >>"$log"
        scram=$(nw__scram_arg) || { nw__say "kafka: cannot build the SCRAM credential"; nw__mark_failed; return 1; }
        nw__java_tool -cp "$NW_KAFKA_LIB/*" kafka.tools.StorageTool format \
            -t "$cid" -c "$kdir/server.properties" --add-scram "$scram" >>"$log" 2>&1 || {
            nw__say "kafka: StorageTool format failed; last lines of $log:"; tail -n 20 "$log" >&2
            nw__mark_failed; return 1; }
    fi

    echo "=== start $(date -Is)" >>"$log"
    # cd so that any JVM crash file lands in the stack dir, not in the caller's cwd.
    (cd "$kdir" && exec java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
        "-Dlog4j.configuration=file:$NW_LIB_DIR/kafka/log4j.properties" \
        -cp "$NW_KAFKA_LIB/*" kafka.Kafka "$kdir/server.properties") >>"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pidf"

    # The broker opens its PLAINTEXT port only once it is unfenced, so the TCP
    # probe is meaningful; the Admin call then confirms metadata is served.
    deadline=$(( t0 + timeout_s * 1000 ))
    while :; do
        if ! nw__alive "$pid"; then
            nw__say "kafka: broker exited during start-up"
            nw__kafka_fail "$log"; return 1
        fi
        if nw__tcp_open "$NW_KAFKA_PORT"; then break; fi
        if [ "$(nw__now_ms)" -ge "$deadline" ]; then
            nw__say "kafka: port $NW_KAFKA_PORT not open after $timeout_s s"
            nw__kafka_fail "$log"; return 1
        fi
        sleep 0.25
    done
    left=$(( deadline - $(nw__now_ms) ))
    [ "$left" -gt 1000 ] || left=1000
    if ! nw_kafka_admin wait "$NW_KAFKA_BOOTSTRAP" "$left" 2>>"$log"; then
        nw__say "kafka: broker did not answer describeCluster within $timeout_s s"
        nw__kafka_fail "$log"; return 1
    fi
    local ms=$(( $(nw__now_ms) - t0 ))
    nw__say "kafka: ready in $(( ms / 1000 )).$(( ms % 1000 / 100 )) s on $NW_KAFKA_BOOTSTRAP (pid $pid)"
    echo "$ms" >"$NW_STACK_DIR/kafka.ready_ms"
}

# Start failure: show why, keep the log, and do not leave a half-started JVM behind.
nw__kafka_fail() {
    local log=$1
    nw__say "kafka: last lines of the broker log:"
    tail -n 40 "$log" >&2
    nw__say "kafka: full log: $log"
    nw__mark_failed
    nw_kafka_stop || true
}

nw_kafka_stop() {
    nw__need_stack || return 1
    local pidf="$NW_STACK_DIR/kafka.pid" pid
    local grace=${NW_KAFKA_STOP_TIMEOUT:-30}
    pid=$(nw__read_pid "$pidf")
    if ! nw__alive "$pid" || ! nw__pid_is "$pid" kafka.Kafka; then
        rm -f "$pidf"
        return 0
    fi
    # SIGTERM runs Kafka's shutdown hook (controlled shutdown, clean log close),
    # which keeps the data dir consistent for a restart.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $(( grace * 10 ))); do nw__alive "$pid" || break; sleep 0.1; done
    if nw__alive "$pid"; then
        nw__say "kafka: no exit within $grace s of SIGTERM, sending SIGKILL to pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do nw__alive "$pid" || break; sleep 0.1; done
    fi
    rm -f "$pidf"
    if nw__alive "$pid"; then
        nw__say "kafka: pid $pid is still alive"
        return 1
    fi
    nw__say "kafka: stopped"
}

# The project's topics with the partition counts the tests assume.
nw_topics_create() {
    nw__need_stack || return 1
    # One JVM for all three topics instead of one each.
    if nw_kafka_admin create "$NW_KAFKA_BOOTSTRAP" news.raw 4 news.enriched 4 news.dlq 1; then
        nw__say "kafka: topics news.raw(4) news.enriched(4) news.dlq(1) present"
    else
        nw__say "kafka: topic creation failed"
        nw__mark_failed
        return 1
    fi
}

# ---------------------------------------------------------------- whole stack

nw_stack_up() {
    nw_stack_init || return 1
    rm -f "$NW_STACK_DIR/failed"
    nw_redis_start || { nw__mark_failed; return 1; }
    nw_kafka_jars || { nw__mark_failed; return 1; }
    nw_kafka_start || { nw__mark_failed; return 1; }
    nw_topics_create || { nw__mark_failed; return 1; }
    nw__write_env
    return 0
}

# Stops whatever this stack started. Idempotent and never fails, so it is safe in
# an EXIT/INT/TERM trap even after a half-finished nw_stack_up. Optional
# argument: the caller's exit status; non-zero counts as a failure (logs kept).
nw_stack_down() {
    local rc=${1:-0}
    if [ -z "${NW_STACK_DIR:-}" ] || [ ! -d "$NW_STACK_DIR" ]; then
        return 0
    fi
    nw__load_env
    nw_kafka_stop || rc=1
    nw_redis_stop || rc=1
    if [ "$rc" -ne 0 ] || [ -f "$NW_STACK_DIR/failed" ] || [ "${NW_KEEP_LOGS:-0}" = "1" ]; then
        nw__say "stack: logs kept in $NW_STACK_DIR"
    else
        rm -rf "$NW_STACK_DIR"
        nw__say "stack: stopped and removed $NW_STACK_DIR"
    fi
    return 0
}
