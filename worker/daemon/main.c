/* main.c -- newsworker's command line: run, process, check-config; configuration wiring,
 * signals, and the mapping of results to exit codes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>

#include "nw_config.h"
#include "nw_jemalloc.h"
#include "nw_log.h"
#include "nw_loop.h"
#include "nw_offline.h"
#include "nw_redis.h"

#ifndef NW_VERSION
#define NW_VERSION "0.0.0"
#endif

extern char **environ;

/* the allocator's options (nw_jemalloc.h) */
NW_JEMALLOC_OPTIONS;

static volatile sig_atomic_t stop_level;

/* First signal: drain. Second: leave now; nothing unfinished has been committed, so the
 * next start redelivers it. _exit is async-signal-safe. */
static void on_stop(int sig)
{
        (void)sig;
        if (stop_level) {
                _exit(NW_EXIT_FORCED);
        }
        stop_level = 1;
}

static void install_signals(void)
{
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_stop;
        sigemptyset(&sa.sa_mask);
        sigaddset(&sa.sa_mask, SIGTERM);
        sigaddset(&sa.sa_mask, SIGINT);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *out)
{
        fprintf(out,
                "newsworker %s -- news items from Kafka, normalized, deduplicated and enriched\n\n"
                "Usage:\n"
                "  newsworker run [--config FILE] [--KEY=VALUE ...]\n"
                "      the daemon: consume topic.input, publish to topic.output / topic.dlq\n"
                "  newsworker process [--config FILE] [--redis URL] [--dlq FILE] [--no-dedupe]\n"
                "                     [--KEY=VALUE ...] [FILE ...]\n"
                "      offline: raw items (JSON lines, or plain-text .txt files; stdin when no\n"
                "      FILE) to enriched JSON lines on stdout; duplicates are not printed;\n"
                "      dead-letter lines go to stderr or --dlq FILE\n"
                "  newsworker check-config [--config FILE] [--KEY=VALUE ...]\n"
                "      validate and print the effective configuration (secrets masked)\n"
                "  newsworker settings\n"
                "      the settings table as tab-separated values (name, type, default, env, ...)\n"
                "  newsworker --version | --help\n\n"
                "Configuration: defaults < --config FILE (or NEWSWORKER_CONFIG) < NEWSWORKER_*\n"
                "environment < --KEY=VALUE flags.\n\n"
                "Exit codes: 0 clean stop, 1 fatal runtime error, 2 usage or configuration\n"
                "error, 3 stopped by a second signal without draining.\n\n",
                NW_VERSION);
        nw_config_print_help(out);
}

/* Redis refusing our credentials (WRONGPASS) or a command we need (NOPERM) will not fix
 * itself: stop at start-up with a configuration error instead of running unready for ever.
 * An unreachable Redis is different: the loop waits for it with backoff.
 * @returns 0 to go on, -1 with the reason in @p errstr. */
static int redis_preflight(const struct nw_config *cfg, char *errstr, size_t errstr_size)
{
        char why[512];
        struct nw_redis *r = nw_redis_new(cfg->redis_url, cfg->redis_password,
                                          cfg->redis_timeout_ms, errstr, errstr_size);
        enum nw_err err;

        if (!r) {
                return -1;
        }
        err = nw_redis_connect(r, why, sizeof(why));
        nw_redis_destroy(r);
        if (err == NW_ERR_CONFIG) {
                snprintf(errstr, errstr_size,
                         "Redis refused the worker (check redis.url's user, redis.password or "
                         "redis.password_file, and the user's ACL): %s", why);
                return -1;
        }
        if (err != NW_OK) {
                nw_log(NW_LOG_WARN, "redis", "%s; waiting for Redis", why);
        }
        return 0;
}

struct args {
        const char *config;
        const char *redis_url;
        const char *dlq;
        int no_dedupe;
        char **files;
        int n_files;
};

/* Flags of the form --key=value or --key value set configuration keys; the few that are
 * not settings are handled here. */
static int parse_args(int argc, char **argv, const char *cmd, struct args *a, char ***flag_kv,
                      int *n_kv)
{
        *n_kv = 0;
        *flag_kv = calloc((size_t)argc * 2 + 2, sizeof(char *));
        a->files = calloc((size_t)argc + 1, sizeof(char *));
        if (!*flag_kv || !a->files) {
                abort();
        }
        for (int i = 2; i < argc; i++) {
                char *arg = argv[i];
                char *eq;
                if (strcmp(arg, "--") == 0) {
                        for (i++; i < argc; i++) {
                                a->files[a->n_files++] = argv[i];
                        }
                        break;
                }
                if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "-") == 0) {
                        if (strcmp(cmd, "process") != 0) {
                                fprintf(stderr, "newsworker %s: unexpected argument \"%s\"\n", cmd, arg);
                                return -1;
                        }
                        a->files[a->n_files++] = arg;
                        continue;
                }
                arg += 2;
                eq = strchr(arg, '=');
                if (strcmp(arg, "no-dedupe") == 0) {
                        a->no_dedupe = 1;
                        continue;
                }
                if (!eq && i + 1 >= argc) {
                        fprintf(stderr, "newsworker %s: --%s needs a value\n", cmd, arg);
                        return -1;
                }
                {
                        char *key = eq ? strndup(arg, (size_t)(eq - arg)) : strdup(arg);
                        char *val = eq ? eq + 1 : argv[++i];
                        if (strcmp(key, "config") == 0) {
                                a->config = val;
                                free(key);
                        } else if (strcmp(key, "redis") == 0 && strcmp(cmd, "process") == 0) {
                                a->redis_url = val;
                                free(key);
                        } else if (strcmp(key, "dlq") == 0 && strcmp(cmd, "process") == 0) {
                                a->dlq = val;
                                free(key);
                        } else {
                                (*flag_kv)[2 * *n_kv] = key;
                                (*flag_kv)[2 * *n_kv + 1] = val;
                                (*n_kv)++;
                        }
                }
        }
        return 0;
}

int main(int argc, char **argv)
{
        struct nw_config cfg;
        struct args a;
        char errstr[1024];
        char **kv = NULL;
        int n_kv = 0, rc = NW_EXIT_CONFIG;
        const char *cmd;

        memset(&a, 0, sizeof(a));
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
            strcmp(argv[1], "help") == 0) {
                usage(argc < 2 ? stderr : stdout);
                return argc < 2 ? NW_EXIT_CONFIG : NW_EXIT_OK;
        }
        if (strcmp(argv[1], "settings") == 0) {
                nw_config_print_table(stdout);
                return NW_EXIT_OK;
        }
        if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
                printf("newsworker %s (librdkafka %s)\n", NW_VERSION, rd_kafka_version_str());
                return NW_EXIT_OK;
        }
        cmd = argv[1];
        if (strcmp(cmd, "run") != 0 && strcmp(cmd, "process") != 0 &&
            strcmp(cmd, "check-config") != 0) {
                fprintf(stderr, "newsworker: unknown command \"%s\" (see newsworker --help)\n", cmd);
                return NW_EXIT_CONFIG;
        }
        nw_config_init(&cfg);
        if (parse_args(argc, argv, cmd, &a, &kv, &n_kv) != 0) {
                goto out;
        }
        if (!a.config) {
                a.config = getenv("NEWSWORKER_CONFIG");
        }
        if (a.config && nw_config_load_file(&cfg, a.config, errstr, sizeof(errstr)) != NW_OK) {
                goto config_error;
        }
        if (nw_config_load_env(&cfg, environ, errstr, sizeof(errstr)) != NW_OK) {
                goto config_error;
        }
        for (int i = 0; i < n_kv; i++) {
                char origin[300];
                snprintf(origin, sizeof(origin), "flag --%s", kv[2 * i]);
                if (nw_config_set(&cfg, kv[2 * i], kv[2 * i + 1], origin, errstr, sizeof(errstr)) != NW_OK) {
                        goto config_error;
                }
        }
        nw_config_finish(&cfg);
        /* from here on no log line can carry a configured secret, librdkafka's included */
        nw_config_protect_secrets(&cfg);
        nw_config_protect_url(a.redis_url);     /* process --redis URL */
        if (nw_config_validate(&cfg, errstr, sizeof(errstr)) != NW_OK) {
                goto config_error;
        }
        nw_log_level = nw_log_parse_level(cfg.log_level);

        if (strcmp(cmd, "check-config") == 0) {
                /* build the librdkafka configurations too: that is where unknown or invalid
                 * kafka.* properties are caught */
                nw_config_print(&cfg, stdout);
                if (nw_loop_check_config(&cfg, errstr, sizeof(errstr)) != NW_OK) {
                        goto config_error;
                }
                printf("# configuration is valid\n");
                rc = NW_EXIT_OK;
        } else if (strcmp(cmd, "process") == 0) {
                struct nw_offline_opts opts = {a.redis_url, a.dlq, a.no_dedupe};
                rc = nw_offline_run(&cfg, &opts, a.files, a.n_files, NW_VERSION, stdout);
        } else {
                struct nw_loop *loop;
                install_signals();
                if (redis_preflight(&cfg, errstr, sizeof(errstr)) != 0) {
                        goto config_error;
                }
                loop = nw_loop_new(&cfg, NW_VERSION, errstr, sizeof(errstr));
                if (!loop) {
                        goto config_error;
                }
                rc = nw_loop_run(loop, &stop_level);
                nw_loop_destroy(loop);
                nw_log(NW_LOG_INFO, "worker", "exit code %d", rc);
        }
        goto out;
config_error:
        /* check-config is read by people; run and process write JSON lines on stderr, which
         * a plain line would break */
        if (strcmp(cmd, "check-config") == 0) {
                fprintf(stderr, "newsworker: configuration error: %s\n", errstr);
        } else {
                nw_log(NW_LOG_ERR, "config", "configuration error: %s", errstr);
        }
        rc = NW_EXIT_CONFIG;
out:
        for (int i = 0; i < n_kv; i++) {
                free(kv[2 * i]);
        }
        free(kv);
        free(a.files);
        nw_config_free(&cfg);
        nw_log_clear_secrets();
        return rc;
}
