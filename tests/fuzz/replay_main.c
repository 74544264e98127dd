/* replay_main.c -- the main() of a fuzz target built without libFuzzer (gcc): runs
 * LLVMFuzzerTestOneInput over every file named on the command line or found in a directory
 * named there, so the corpus and the crash regressions run as an ordinary ctest test. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        uint8_t *data;
        long n;

        if (!f) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                return -1;
        }
        if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
                fprintf(stderr, "replay: %s: cannot size\n", path);
                fclose(f);
                return -1;
        }
        /* an exact-size heap copy, so AddressSanitizer catches a read one past the input */
        data = malloc(n ? (size_t)n : 1);
        if (!data || (n && fread(data, 1, (size_t)n, f) != (size_t)n)) {
                fprintf(stderr, "replay: %s: cannot read\n", path);
                free(data);
                fclose(f);
                return -1;
        }
        fclose(f);
        (void)LLVMFuzzerTestOneInput(data, (size_t)n);
        free(data);
        return 0;
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory in name order, so a failure reproduces in the same order. */
static int replay_dir(const char *dir, size_t *count)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        char **names = NULL;
        size_t n = 0, cap = 0;
        int rc = 0;

        if (!d) {
                fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
                return -1;
        }
        while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.') {
                        continue;       /* ".", "..", and hidden files such as .gitkeep */
                }
                if (n == cap) {
                        cap = cap ? 2 * cap : 64;
                        names = realloc(names, cap * sizeof(*names));
                        if (!names) {
                                abort();
                        }
                }
                names[n++] = strdup(e->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(*names), cmp_names);
        for (size_t i = 0; i < n; i++) {
                char path[4096];
                struct stat st;

                snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                        if (replay_file(path) != 0) {
                                rc = -1;
                        }
                        (*count)++;
                }
                free(names[i]);
        }
        free(names);
        return rc;
}

int main(int argc, char **argv)
{
        size_t count = 0;
        int rc = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) != 0) {
                        fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
                        rc = 1;
                } else if (S_ISDIR(st.st_mode)) {
                        rc |= replay_dir(argv[i], &count) != 0;
                } else {
                        rc |= replay_file(argv[i]) != 0;
                        count++;
                }
        }
        printf("%s: replayed %zu inputs\n", argv[0], count);
        return rc;
}
