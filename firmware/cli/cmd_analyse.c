/* cmd_analyse.c: `latedoor analyse [FILE]`: the attendance core as JSON in, JSON out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse_json.h"
#include "commands.h"

/* Reads all of f into a NUL-terminated buffer of at most max bytes. */
static int read_all(FILE *f, size_t max, char **out, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return ENOMEM;
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            if (cap >= max) {
                free(buf);
                return EFBIG;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *p = realloc(buf, cap + 1);
            if (!p) {
                free(buf);
                return ENOMEM;
            }
            buf = p;
        }
    }
    if (ferror(f)) {
        free(buf);
        return EIO;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int ld_cmd_analyse(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && !strcmp(argv[1], "--help"))) {
        fprintf(stderr, "usage: latedoor analyse [FILE]   (reads standard input without FILE)\n");
        return LD_EXIT_USAGE;
    }
    const char *name = argc == 2 ? argv[1] : "-";
    FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "latedoor analyse: %s: %s\n", name, strerror(errno));
        return LD_EXIT_USAGE;
    }
    char *text = NULL, *out = NULL, msg[512];
    size_t len = 0;
    int rc = read_all(f, LD_ANALYSE_MAX_INPUT, &text, &len);
    if (f != stdin)
        fclose(f);
    if (rc) {
        fprintf(stderr, "latedoor analyse: %s: %s\n", name,
                rc == EFBIG ? "larger than the 256 MiB limit" : strerror(rc));
        return LD_EXIT_USAGE;
    }
    ld_err err = ld_analyse_json(text, len, &out, msg, sizeof msg);
    free(text);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        return err == LD_ERR_NOMEM ? LD_EXIT_FAIL : LD_EXIT_USAGE;
    }
    int status = LD_EXIT_OK;
    if (fputs(out, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) == EOF) {
        fprintf(stderr, "latedoor analyse: writing the output: %s\n", strerror(errno));
        status = LD_EXIT_FAIL;
    }
    free(out);
    return status;
}
