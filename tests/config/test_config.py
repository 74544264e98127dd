#!/usr/bin/python3
"""test_config.py -- configuration tests of the built binary; they need nothing running.

Precedence (defaults < file < NEWSWORKER_* env < flags, read back from check-config and its
origins), unknown keys citing file:line, bad values rejected with exit 2, kafka.* properties
that librdkafka rejects (exit 2 quoting librdkafka), secrets from files, masking in
check-config, and the logger's scrubbing of configured secrets. Every invocation's output is
also searched for every secret used: no hit is allowed anywhere.

Usage: test_config.py --worker PATH. Exit 0 pass, 1 fail."""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile

WORKER = None
TMP = None
SECRETS = set()         # every secret value used by any case: must never be printed
FAILS = []


def check(cond, msg):
    if cond:
        print(f"ok: {msg}")
    else:
        print(f"FAIL: {msg}")
        FAILS.append(msg)


def clean_env(extra=None):
    """The caller's environment without NEWSWORKER_* (so the tests are hermetic)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
    env.update(extra or {})
    return env


def run(args, env=None, timeout=30):
    p = subprocess.run([WORKER, *args], env=clean_env(env), capture_output=True, text=True,
                       timeout=timeout)
    out = p.stdout + p.stderr
    for s in SECRETS:
        if s in out:
            check(False, f"secret {s[:2]}... printed by `newsworker {' '.join(args[:1])}`")
    return p


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def effective(stdout):
    """check-config output as {key: (value, origin)}."""
    res = {}
    for line in stdout.splitlines():
        if line.startswith("#") or " = " not in line:
            continue
        key, rest = line.split(" = ", 1)
        value, _, origin = rest.partition("  # ")
        res[key] = (value, origin)
    return res


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- cases ------------------------------------------------------------------------------
def case_precedence():
    conf = write("prec.conf", "# precedence test\n"
                 "redis.key_prefix = f:\n"
                 "batch.max_messages = 10\n"
                 "batch.timeout_ms = 11\n"
                 "kafka.client.id = from-file\n"
                 "kafka.consumer.group.id = g-file\n"
                 "topic.output = \"quoted # not a comment\"\n")
    env = {"NEWSWORKER_BATCH_MAX_MESSAGES": "20", "NEWSWORKER_BATCH_TIMEOUT_MS": "21",
           "NEWSWORKER_KAFKA_CLIENT_ID": "from-env"}
    p = run(["check-config", "--config", conf, "--batch.max_messages=30",
             "--kafka.consumer.group.id", "g-flag"], env)
    check(p.returncode == 0, f"check-config with file, env and flags exits 0 ({p.stderr.strip()})")
    e = effective(p.stdout)
    check(e.get("redis.key_prefix") == ("f:", f"{conf}:2"), "file beats default, origin file:line")
    check(e.get("batch.timeout_ms") == ("21", "env NEWSWORKER_BATCH_TIMEOUT_MS"), "env beats file")
    check(e.get("batch.max_messages") == ("30", "flag --batch.max_messages"), "flag beats env and file")
    check(e.get("kafka.client.id") == ("from-env", "env NEWSWORKER_KAFKA_CLIENT_ID"),
          "kafka.*: env beats file")
    check(e.get("kafka.consumer.group.id") == ("g-flag", "flag --kafka.consumer.group.id"),
          "kafka.consumer.*: flag (as --key value) beats file")
    check(e.get("topic.output", ("",))[0] == "quoted # not a comment", "a quoted value keeps its '#'")
    check(e.get("dedupe.ttl_s") == ("604800", "default"), "untouched settings show their default")
    # the config file may also come from NEWSWORKER_CONFIG
    p = run(["check-config"], {"NEWSWORKER_CONFIG": conf})
    check(effective(p.stdout).get("redis.key_prefix", ("",))[0] == "f:", "NEWSWORKER_CONFIG names the file")
    # within the file, the later line wins
    conf2 = write("twice.conf", "batch.max_messages = 1\nbatch.max_messages = 2\n")
    p = run(["check-config", "--config", conf2])
    check(effective(p.stdout).get("batch.max_messages") == ("2", f"{conf2}:2"), "later line in a file wins")


def case_mode_defaults():
    # the prefetch default follows dedupe.near (a second of input at the worker's pace); a
    # value the user set is never replaced
    key = "kafka.consumer.queued.max.messages.kbytes"
    p = run(["check-config"])
    check(effective(p.stdout).get(key) == ("16384", "default"),
          "with near-duplicate detection the prefetch default is 16 MB")
    p = run(["check-config", "--dedupe.near=false"])
    check(effective(p.stdout).get(key) == ("32768", "default with dedupe.near=false"),
          "without it, 32 MB, and check-config says why")
    p = run(["check-config", "--dedupe.near=false"],
            {"NEWSWORKER_KAFKA_CONSUMER_QUEUED_MAX_MESSAGES_KBYTES": "8192"})
    check(effective(p.stdout).get(key) == ("8192",
                                           "env NEWSWORKER_KAFKA_CONSUMER_QUEUED_MAX_MESSAGES_KBYTES"),
          "a prefetch the user set stays as set")
    p = run(["check-config", "--dedupe.near=false"],
            {"NEWSWORKER_KAFKA_QUEUED_MAX_MESSAGES_KBYTES": "8192"})
    e = effective(p.stdout)
    check(e.get(key) == ("16384", "default")
          and e.get("kafka.queued.max.messages.kbytes", ("",))[0] == "8192",
          "... also when set for the consumer and the producer at once (kafka.*)")


def case_unknown_keys():
    conf = write("unknown.conf", "# ok\n\nbatch.max_messages = 5\nno.such.setting = 1\n")
    p = run(["check-config", "--config", conf])
    check(p.returncode == 2, "unknown key in the file: exit 2")
    check(f"{conf}:4" in p.stderr and "no.such.setting" in p.stderr,
          f"the error cites file:line and the key ({p.stderr.strip()})")
    p = run(["check-config"], {"NEWSWORKER_NO_SUCH": "1"})
    check(p.returncode == 2 and "NEWSWORKER_NO_SUCH" in p.stderr, "unknown NEWSWORKER_* variable: exit 2, named")
    p = run(["check-config", "--no.such=1"])
    check(p.returncode == 2 and "--no.such" in p.stderr, "unknown flag: exit 2, named")
    conf = write("noeq.conf", "batch.max_messages 5\n")
    p = run(["check-config", "--config", conf])
    check(p.returncode == 2 and f"{conf}:1" in p.stderr and "key = value" in p.stderr,
          "a line without '=' cites file:line")
    p = run(["check-config", "--config", os.path.join(TMP, "missing.conf")])
    check(p.returncode == 2 and "missing.conf" in p.stderr, "a missing config file: exit 2, named")
    # run refuses the same way, with a JSON log line
    p = run(["run", "--config", write("unknown2.conf", "bogus = 1\n")])
    check(p.returncode == 2 and '"level":"error"' in p.stderr and "bogus" in p.stderr,
          "run: unknown key is exit 2 with a JSON error line")


def case_bad_values():
    cases = [
        (["--batch.max_messages=abc"], "batch.max_messages must be a whole number"),
        (["--batch.max_messages=0"], "from 1 to 100000"),
        (["--http.port=70000"], "http.port must be a whole number from 0 to 65535"),
        (["--redis.timeout_ms=12x"], "redis.timeout_ms must be a whole number"),
        (["--dedupe.fail_open=maybe"], "dedupe.fail_open must be true or false"),
        (["--log.level=loud"], "log.level must be error, warn, notice, info or debug"),
        (["--topic.input="], "must not be empty"),
        (["--topic.output=news.raw"], "must differ from topic.input"),
        (["--redis.key_prefix=123456789"], "longer than 8 bytes"),
        (["--redis.url=http://x"], "redis.url must start with redis:// or unix://"),
        (["--redis.url=redis://h:99999/0"], "bad port"),
        (["--kafka.enable.auto.offset.store=true"], "must stay false"),
        (["--kafka.consumer.enable.auto.commit=false"], "must stay true"),
        (["--kafka.=1"], "names no Kafka property"),
    ]
    for args, want in cases:
        p = run(["check-config", *args])
        check(p.returncode == 2 and want in p.stderr,
              f"{args[0]}: exit 2 with \"{want}\" (got {p.returncode}: {p.stderr.strip()[:160]})")
    p = run(["check-config"], {"NEWSWORKER_DEDUPE_TTL_S": "-5"})
    check(p.returncode == 2 and "env NEWSWORKER_DEDUPE_TTL_S" in p.stderr, "a bad env value names the variable")
    p = run(["check-config", "--config", write("bad.conf", "\n\ndedupe.url = perhaps\n")])
    check(p.returncode == 2 and "bad.conf:3" in p.stderr, "a bad file value cites file:line")
    p = run(["frobnicate"])
    check(p.returncode == 2, "unknown command: exit 2")
    p = run([])
    check(p.returncode == 2, "no command: exit 2")


def case_librdkafka_rejects():
    p = run(["check-config", "--kafka.no.such.property=1"])
    check(p.returncode == 2 and "kafka property no.such.property" in p.stderr
          and "No such configuration property" in p.stderr,
          f"unknown kafka property: exit 2 quoting librdkafka ({p.stderr.strip()})")
    p = run(["check-config", "--kafka.producer.acks=maybe"])
    check(p.returncode == 2 and "Invalid value" in p.stderr,
          f"invalid kafka value: exit 2 quoting librdkafka ({p.stderr.strip()})")
    p = run(["check-config", "--kafka.security.protocol=carrier_pigeon"])
    check(p.returncode == 2 and "Invalid value" in p.stderr and "security.protocol" in p.stderr,
          "invalid security.protocol: exit 2")
    # the same at start-up of `run`, before anything connects (Redis: a closed port)
    p = run(["run", "--http.port=0", f"--redis.url=redis://127.0.0.1:{free_port()}/0",
             "--kafka.consumer.fetch.wait.max.ms=banana"], timeout=30)
    check(p.returncode == 2 and "fetch.wait.max.ms" in p.stderr and "Invalid value" in p.stderr,
          f"run: a property librdkafka rejects stops start-up with exit 2 ({p.stderr.strip()[-200:]})")


def case_masking():
    rp, kp, up, fp = "rEdis-Pw-4711", "kAfka-Pw-0815", "uRl-P@ss:w0rd", "fIle-Pw-1234"
    SECRETS.update({rp, kp, up, fp, "sSl-Key-5ecret"})
    pwfile = write("redis.pw", fp + "\n")
    p = run(["check-config", f"--redis.url=redis://worker:{up}@127.0.0.1:6379/2",
             "--kafka.sasl.password", kp, "--kafka.sasl.username=alice",
             "--kafka.consumer.ssl.key.password=sSl-Key-5ecret"],
            {"NEWSWORKER_REDIS_PASSWORD": rp})
    e = effective(p.stdout)
    check(p.returncode == 0, "check-config with secrets exits 0")
    check(e.get("redis.password", ("",))[0] == "****", "redis.password is masked")
    check(e.get("kafka.sasl.password", ("",))[0] == "****", "kafka.sasl.password is masked")
    check(e.get("kafka.consumer.ssl.key.password", ("",))[0] == "****",
          "other secret kafka properties are masked")
    check(e.get("redis.url", ("",))[0] == "redis://worker:****@127.0.0.1:6379/2",
          f"the password inside redis.url is masked whole, '@' and ':' included ({e.get('redis.url')})")
    check(e.get("kafka.sasl.username", ("",))[0] == "alice", "non-secrets are shown")
    # secrets from files: masked, origin names the file
    kfile = write("kafka.pw", kp + "\r\n")
    p = run(["check-config", "--redis.password_file", pwfile], {"NEWSWORKER_KAFKA_SASL_PASSWORD_FILE": kfile})
    e = effective(p.stdout)
    check(p.returncode == 0, f"secrets from files: check-config exits 0 ({p.stderr.strip()})")
    check(e.get("redis.password") == ("****", f"flag --redis.password_file (file {pwfile})"),
          f"redis.password_file sets redis.password, masked ({e.get('redis.password')})")
    check(e.get("kafka.sasl.password") == ("****", f"env NEWSWORKER_KAFKA_SASL_PASSWORD_FILE (file {kfile})"),
          f"NEWSWORKER_KAFKA_SASL_PASSWORD_FILE sets kafka.sasl.password, masked ({e.get('kafka.sasl.password')})")
    conf = write("secret.conf", f"kafka.sasl.password_file = {kfile}\nredis.password = {rp}\n")
    p = run(["check-config", "--config", conf])
    check(p.returncode == 0 and effective(p.stdout).get("kafka.sasl.password", ("",))[0] == "****",
          "kafka.<secret>_file in the config file")


def case_secret_files():
    p = run(["check-config", "--redis.password_file", os.path.join(TMP, "nope.pw")])
    check(p.returncode == 2 and "nope.pw" in p.stderr and "cannot open secret file" in p.stderr,
          "missing secret file: exit 2 naming the file")
    p = run(["check-config", "--redis.password_file", write("empty.pw", "\n")])
    check(p.returncode == 2 and "empty.pw is empty" in p.stderr, "empty secret file: exit 2")
    p = run(["check-config", "--redis.password_file", TMP])
    check(p.returncode == 2 and "cannot read secret file" in p.stderr, "a directory as secret file: exit 2")
    SECRETS.add("nOt-a-5ecret-value")
    p = run(["check-config", "--kafka.bootstrap.servers_file", write("bs", "nOt-a-5ecret-value\n")])
    check(p.returncode == 2 and "only secret properties" in p.stderr,
          "only secret kafka properties may come from a file")
    f = write("x.pw", "eNv-Both-9999\n")
    SECRETS.add("eNv-Both-9999")
    p = run(["check-config"], {"NEWSWORKER_REDIS_PASSWORD": "eNv-Both-9999", "NEWSWORKER_REDIS_PASSWORD_FILE": f})
    check(p.returncode == 2 and "both set" in p.stderr, "NAME and NAME_FILE both in the environment: exit 2")


def case_log_scrubbing():
    """run with secrets configured: no log line carries one. The topic name is set to the
    Redis password on purpose, so the worker's own "consuming ..." line would print it if
    the logger did not scrub it; librdkafka's debug lines go through the same logger."""
    secret = "sCrub-Me-31337"
    SECRETS.add(secret)
    pwfile = write("scrub.pw", secret + "\n")
    env = {"NEWSWORKER_REDIS_PASSWORD_FILE": pwfile,
           "NEWSWORKER_KAFKA_SASL_PASSWORD": secret,
           "NEWSWORKER_KAFKA_SASL_USERNAME": "u",
           "NEWSWORKER_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
           "NEWSWORKER_KAFKA_SASL_MECHANISMS": "PLAIN",
           "NEWSWORKER_KAFKA_DEBUG": "conf,security,broker",
           "NEWSWORKER_LOG_LEVEL": "debug",
           "NEWSWORKER_HTTP_PORT": "0",
           "NEWSWORKER_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
           "NEWSWORKER_REDIS_TIMEOUT_MS": "200",
           "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
           "NEWSWORKER_TOPIC_INPUT": f"in.{secret}"}
    p = subprocess.Popen([WORKER, "run"], env=clean_env(env), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(timeout=3)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    text = out + err
    check(secret not in text, "run with log.level=debug and kafka debug: the secret is in no log line")
    check("in.****" in text, "the logger replaced the secret where the worker would have printed it")
    check(all(line.startswith("{") and line.endswith("}") for line in err.splitlines() if line),
          "every stderr line of run is a JSON object")


def case_help_lists_settings():
    table = run(["settings"]).stdout.splitlines()
    names = [line.split("\t")[0] for line in table[1:]]
    help_text = run(["--help"]).stdout
    missing = [n for n in names if n not in help_text]
    check(not missing, f"--help lists every setting of the table (missing: {missing})")
    p = run(["check-config"])
    shown = effective(p.stdout)
    check(all(n in shown for n in names), "check-config prints every setting of the table")


def main():
    global WORKER, TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", required=True)
    WORKER = os.path.abspath(ap.parse_args().worker)
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        for case in (case_precedence, case_mode_defaults, case_unknown_keys, case_bad_values,
                     case_librdkafka_rejects, case_masking, case_secret_files, case_log_scrubbing,
                     case_help_lists_settings):
            print(f"== {case.__name__[5:]}")
            case()
    if FAILS:
        print(f"{len(FAILS)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
