/*
 * contract_check.c: runs `latedoor analyse` on one input and checks the result.
 *   contract_check ok    LATEDOOR INPUT EXPECTED   output equals EXPECTED (JSON, see below)
 *   contract_check error LATEDOOR INPUT PREFIX     exit 2, nothing on stdout, one line on
 *                                                  stderr that starts with "PREFIX: "
 * JSON equality: same keys and order of arrays; numbers equal to 1e-9 relative; every "detail"
 * (the staff sentence, whose wording is free) only has to be a non-empty string.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    return buf;
}

static char *slurp_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    char *s = slurp_fd(fileno(f));
    fclose(f);
    return s;
}

/* Runs bin analyse input; captures stdout, stderr and the exit status. */
static int run(const char *bin, const char *input, char **out, char **err)
{
    char errpath[] = "/tmp/contract-stderr-XXXXXX";
    int efd = mkstemp(errpath);
    int pipefd[2];
    if (efd < 0 || pipe(pipefd)) {
        perror("setup");
        exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(efd, 2);
        close(pipefd[0]);
        execl(bin, bin, "analyse", input, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    *out = slurp_fd(pipefd[0]);
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    lseek(efd, 0, SEEK_SET);
    *err = slurp_fd(efd);
    close(efd);
    unlink(errpath);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool same(const cJSON *want, const cJSON *got, const char *key, char *path, size_t plen)
{
    size_t len = strlen(path);
    if (key && !strcmp(key, "detail")) {
        if (cJSON_IsString(got) && got->valuestring[0])
            return true;
        fprintf(stderr, "%s: detail is not a non-empty string\n", path);
        return false;
    }
    if ((want->type & 0xff) != (got->type & 0xff)) {
        char *g = cJSON_PrintUnformatted(got), *w = cJSON_PrintUnformatted(want);
        fprintf(stderr, "%s: expected %s, got %s\n", path, w, g);
        free(g);
        free(w);
        return false;
    }
    if (cJSON_IsNumber(want)) {
        double a = want->valuedouble, b = got->valuedouble;
        if (fabs(a - b) <= 1e-9 * fmax(1.0, fabs(a)))
            return true;
        fprintf(stderr, "%s: expected %.17g, got %.17g\n", path, a, b);
        return false;
    }
    if (cJSON_IsString(want)) {
        if (!strcmp(want->valuestring, got->valuestring))
            return true;
        fprintf(stderr, "%s: expected \"%s\", got \"%s\"\n", path, want->valuestring,
                got->valuestring);
        return false;
    }
    if (cJSON_IsArray(want)) {
        int n = cJSON_GetArraySize(want);
        if (n != cJSON_GetArraySize(got)) {
            fprintf(stderr, "%s: expected %d elements, got %d\n", path, n, cJSON_GetArraySize(got));
            return false;
        }
        for (int i = 0; i < n; i++) {
            snprintf(path + len, plen - len, "[%d]", i);
            if (!same(cJSON_GetArrayItem(want, i), cJSON_GetArrayItem(got, i), NULL, path, plen))
                return false;
            path[len] = '\0';
        }
        return true;
    }
    if (cJSON_IsObject(want)) {
        const cJSON *w;
        cJSON_ArrayForEach(w, want)
        {
            snprintf(path + len, plen - len, ".%s", w->string);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
            if (!g) {
                fprintf(stderr, "%s: missing\n", path);
                return false;
            }
            if (!same(w, g, w->string, path, plen))
                return false;
            path[len] = '\0';
        }
        cJSON_ArrayForEach(w, got)
        {
            if (!cJSON_GetObjectItemCaseSensitive(want, w->string)) {
                fprintf(stderr, "%s.%s: not expected\n", path, w->string);
                return false;
            }
        }
        return true;
    }
    return (want->type & 0xff) == (got->type & 0xff); /* true, false, null */
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: contract_check ok|error LATEDOOR INPUT EXPECTED|PREFIX\n");
        return 2;
    }
    char *out, *err;
    int status = run(argv[2], argv[3], &out, &err);
    int rc = 1;
    if (!strcmp(argv[1], "ok")) {
        char *text = slurp_file(argv[4]);
        cJSON *want = cJSON_Parse(text), *got = cJSON_Parse(out);
        char path[512] = "$";
        if (status != 0)
            fprintf(stderr, "exit status %d, stderr: %s\n", status, err);
        else if (!want)
            fprintf(stderr, "%s: not JSON\n", argv[4]);
        else if (!got)
            fprintf(stderr, "output is not JSON: %.200s\n", out);
        else if (err[0])
            fprintf(stderr, "unexpected stderr: %s\n", err);
        else if (same(want, got, NULL, path, sizeof path))
            rc = 0;
        cJSON_Delete(want);
        cJSON_Delete(got);
        free(text);
    } else {
        size_t plen = strlen(argv[4]);
        char *nl = strchr(err, '\n');
        if (status != 2)
            fprintf(stderr, "exit status %d, want 2 (stderr: %s)\n", status, err);
        else if (out[0])
            fprintf(stderr, "stdout not empty: %.200s\n", out);
        else if (!nl || nl[1] != '\0')
            fprintf(stderr, "stderr is not exactly one line: \"%s\"\n", err);
        else if (strncmp(err, argv[4], plen) || strncmp(err + plen, ": ", 2))
            fprintf(stderr, "stderr \"%s\" does not start with \"%s: \"\n", err, argv[4]);
        else {
            printf("%s", err);
            rc = 0;
        }
    }
    free(out);
    free(err);
    return rc;
}
