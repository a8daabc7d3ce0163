/*
 * bench_analyse.c: `latedoor analyse` on generated schools of 250 to 2,000 pupils with a full
 * year of marks and arrivals. Prints the end-to-end time (JSON in, JSON out), the core's own
 * share, the growth against 250 pupils (linear would be N/250), and a baseline measured in the
 * same run: cJSON parsing the same document, the floor any JSON front end pays.
 * Then the peak memory (max RSS) of `latedoor analyse FILE` on whole MIS registers of 50 and
 * 100 MB, as a multiple of the input (the bound is 10x), beside the peak of a process that only
 * parses the same file into one cJSON tree (what reading the document whole costs).
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyse_json.h"

struct buf {
    char *p;
    size_t n, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void put(struct buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if ((size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap * 2 + (size_t)k;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The school days of 2026-27 (see tests/core/fixtures.h), as "YYYY-MM-DD" strings. */
static size_t school_days(char days[][11])
{
    static const char *terms[6][2] = {{"2026-09-03", "2026-10-23"}, {"2026-11-03", "2026-12-18"},
                                      {"2027-01-05", "2027-02-12"}, {"2027-02-22", "2027-03-25"},
                                      {"2027-04-12", "2027-05-28"}, {"2027-06-08", "2027-07-21"}};
    size_t n = 0;
    for (int t = 0; t < 6; t++) {
        struct tm a = {0}, b = {0};
        strptime(terms[t][0], "%Y-%m-%d", &a);
        strptime(terms[t][1], "%Y-%m-%d", &b);
        a.tm_hour = b.tm_hour = 12;
        time_t x = timegm(&a), end = timegm(&b);
        for (; x <= end; x += 86400) {
            struct tm d;
            gmtime_r(&x, &d);
            if (d.tm_wday == 0 || d.tm_wday == 6)
                continue;
            if (!strcmp(terms[t][0], "2027-04-12") && d.tm_mon == 4 && d.tm_mday == 3)
                continue; /* May bank holiday */
            strftime(days[n++], 11, "%Y-%m-%d", &d);
        }
    }
    return n;
}

/* Generates a school; full: every session has an explicit mark (a whole MIS register). */
static char *generate(int pupils, int full, size_t *len, size_t *nmarks, size_t *narrivals)
{
    static char days[200][11];
    size_t nd = school_days(days);
    struct buf b = {0};
    *nmarks = *narrivals = 0;
    /* Version 2's fields: a time, registers known to the Friday before, named stages. */
    put(&b, "{\"as_of\":\"2027-07-21T10:30\",\"registers_until\":\"2027-07-16\","
            "\"rules\":{\"bands\":[{\"min\":97,\"stage\":\"green\"},{\"min\":92,\"stage\":"
            "\"amber\"},{\"min\":86,\"stage\":2},{\"min\":0,\"stage\":\"red\"}]},"
            "\"calendar\":{\"terms\":["
            "{\"name\":\"Autumn 1\",\"start\":\"2026-09-01\",\"end\":\"2026-10-23\"},"
            "{\"name\":\"Autumn 2\",\"start\":\"2026-11-02\",\"end\":\"2026-12-18\"},"
            "{\"name\":\"Spring 1\",\"start\":\"2027-01-04\",\"end\":\"2027-02-12\"},"
            "{\"name\":\"Spring 2\",\"start\":\"2027-02-22\",\"end\":\"2027-03-25\"},"
            "{\"name\":\"Summer 1\",\"start\":\"2027-04-12\",\"end\":\"2027-05-28\"},"
            "{\"name\":\"Summer 2\",\"start\":\"2027-06-07\",\"end\":\"2027-07-21\"}],"
            "\"closed\":[\"2027-05-03\",\"2026-09-01\",\"2026-09-02\",\"2026-11-02\","
            "\"2027-01-04\",\"2027-06-07\"]},"
            "\"reasons\":{\"Medical appointment\":{\"after_close\":\"M\"}},\"pupils\":[");
    static const char *flags[] = {"", "\"CP\"", "\"LAC\"", "\"PP\"", "\"SEN\",\"PP\""};
    for (int p = 0; p < pupils; p++)
        put(&b, "%s{\"id\":\"P%05d\",\"class\":\"%d%c\",\"family\":\"F%d\",\"flags\":[%s]%s}",
            p ? "," : "", p, 1 + p % 6, 'A' + (p / 6) % 2, p / 2, flags[rnd(20) < 4 ? rnd(5) : 0],
            p % 10 == 9 ? ",\"on_roll\":{\"from\":\"2027-01-05\"}" : ""); /* joiners */
    put(&b, "],\"marks\":[");
    static const char *absent[] = {"I", "M", "O", "C", "E", "G"};
    for (int p = 0; p < pupils; p++) {
        for (size_t d = 0; d < nd; d++) {
            for (int s = 0; s < 2; s++) {
                const char *code = NULL;
                if (rnd(100) < 5)
                    code = absent[rnd(6)];
                else if (full)
                    code = s ? "\\\\" : "/";
                if (!code)
                    continue;
                put(&b,
                    "%s{\"pupil\":\"P%05d\",\"date\":\"%s\",\"session\":\"%s\",\"code\":\"%s\"}",
                    *nmarks ? "," : "", p, days[d], s ? "pm" : "am", code);
                (*nmarks)++;
            }
        }
    }
    put(&b, "],\"arrivals\":[");
    for (int p = 0; p < pupils; p++) {
        int habit = rnd(10); /* a few pupils are late often */
        for (size_t d = 0; d < nd; d++) {
            if (rnd(100) >= (unsigned)(habit == 0 ? 30 : 4))
                continue;
            unsigned m = 530 + 1 + rnd(45);
            put(&b, "%s{\"pupil\":\"P%05d\",\"at\":\"%sT%02u:%02u\"%s}", *narrivals ? "," : "", p,
                days[d], m / 60, m % 60, rnd(10) == 0 ? ",\"reason\":\"Medical appointment\"" : "");
            (*narrivals)++;
        }
    }
    put(&b, "],\"herringbone_for\":[\"P00000\",\"P00001\"]}");
    *len = b.n;
    return b.p;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of reps runs of analyse on text; *min gets the fastest. */
static double time_analyse(const char *text, size_t len, int reps, double *min)
{
    double t[9];
    for (int r = 0; r < reps; r++) {
        char *out = NULL, msg[256];
        double t0 = now_ms();
        if (ld_analyse_json(text, len, &out, msg, sizeof msg)) {
            fprintf(stderr, "analyse failed: %s\n", msg);
            exit(1);
        }
        t[r] = now_ms() - t0;
        free(out);
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    if (min)
        *min = t[0];
    return t[reps / 2];
}

static double time_parse(const char *text, size_t len, int reps)
{
    double t[9];
    for (int r = 0; r < reps; r++) {
        double t0 = now_ms();
        cJSON *doc = cJSON_ParseWithLength(text, len);
        cJSON_Delete(doc);
        t[r] = now_ms() - t0;
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    return t[reps / 2];
}

/* Reads a whole file into memory; exits on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) || (*len = (size_t)ftell(f), fseek(f, 0, SEEK_SET))) {
        perror(path);
        exit(1);
    }
    char *text = malloc(*len + 1);
    if (!text || fread(text, 1, *len, f) != *len) {
        perror(path);
        exit(1);
    }
    text[*len] = '\0';
    fclose(f);
    return text;
}

/*
 * Runs argv with standard output to /dev/null and returns its peak resident memory in KiB.
 * Linux carries a process's peak across exec, so a child forked from this big process would
 * report this process's memory: the child is forked from a fresh, small copy of the bench
 * (self --peak argv...), which prints the figure into a pipe.
 */
static long peak_kib(const char *self, char *const argv[])
{
    int fds[2];
    if (pipe(fds)) {
        perror("pipe");
        exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
        char *args[8] = {(char *)self, "--peak"};
        for (int i = 0; argv[i] && i < 5; i++)
            args[i + 2] = argv[i];
        dup2(fds[1], 1);
        close(fds[0]);
        execv(self, args);
        _exit(127);
    }
    close(fds[1]);
    char buf[32] = "";
    ssize_t got = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
        got <= 0) {
        fprintf(stderr, "%s failed\n", argv[0]);
        exit(1);
    }
    return atol(buf);
}

/* The small process of peak_kib: runs argv and prints its peak resident memory in KiB. */
static int run_peak(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
        return 1;
    printf("%ld\n", ru.ru_maxrss);
    return 0;
}

/* Peak memory of latedoor analyse against its input and against a whole cJSON tree. */
static void memory(const char *self)
{
    const int sizes[] = {2000, 4000};
    char path[] = "/tmp/bench-analyse-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    close(fd);
    printf("peak memory (max RSS) of latedoor analyse FILE, whole MIS registers\n");
    printf("%7s %8s %10s %8s %14s %8s\n", "pupils", "MiB in", "MiB peak", "x input",
           "cJSON tree MiB", "x input");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t len, nm, na;
        char *text = generate(sizes[i], 1, &len, &nm, &na);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
            perror(path);
            exit(1);
        }
        free(text);
        char *analyse[] = {LATEDOOR, "analyse", path, NULL};
        char *tree[] = {(char *)self, "--parse", path, NULL};
        double in = (double)len / 1048576.0, peak = (double)peak_kib(self, analyse) / 1024.0,
               base = (double)peak_kib(self, tree) / 1024.0;
        printf("%7d %8.1f %10.1f %8.1f %14.1f %8.1f\n", sizes[i], in, peak, peak / in, base,
               base / in);
    }
    unlink(path);
    printf("bound: at most 10x the input (before version 2 latedoor analyse held the whole tree,"
           " about 40x)\n");
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--peak"))
        return run_peak(argv + 2);
    if (argc == 3 && !strcmp(argv[1], "--parse")) {
        /* The baseline of the memory figures: the file parsed into one cJSON tree. */
        size_t len;
        char *text = slurp(argv[2], &len);
        cJSON *doc = cJSON_ParseWithLength(text, len);
        int ok = doc != NULL;
        cJSON_Delete(doc);
        free(text);
        return ok ? 0 : 1;
    }
    if (argc == 3 && !strcmp(argv[1], "--once")) {
        /* One analysis of one size, for instruction counting under callgrind. */
        size_t len, nm, na;
        char *text = generate(atoi(argv[2]), 0, &len, &nm, &na);
        time_analyse(text, len, 1, NULL);
        free(text);
        return 0;
    }
    const int sizes[] = {250, 500, 1000, 2000};
    double base = 0;
    printf(
        "latedoor analyse: a year (190 days) of marks and arrivals, median of 5 runs\n"
        "(version 2's fields: as_of at 10:30, registers_until, on_roll joiners, named stages)\n");
    printf("%7s %9s %9s %6s %9s %9s %10s %9s %12s\n", "pupils", "marks", "arrivals", "MiB",
           "analyse", "fastest", "parse", "analyse/", "growth vs");
    printf("%7s %9s %9s %6s %9s %9s %10s %9s %12s\n", "", "", "", "", "ms", "ms", "ms (base)",
           "parse", "250 (lin.)");
    for (int full = 0; full < 2; full++) {
        if (full)
            printf("worst case: a whole MIS register, every session marked explicitly\n");
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            size_t len, nm, na;
            char *text = generate(sizes[i], full, &len, &nm, &na);
            double tmin, ta = time_analyse(text, len, 5, &tmin), tp = time_parse(text, len, 5);
            if (i == 0)
                base = ta;
            printf("%7d %9zu %9zu %6.1f %9.1f %9.1f %10.1f %9.2f %6.2f (%4.1f)\n", sizes[i], nm, na,
                   (double)len / 1048576.0, ta, tmin, tp, ta / tp, ta / base, sizes[i] / 250.0);
            free(text);
        }
    }
    printf("target: under 100 ms for 2,000 pupils (exception marks and arrivals)\n"
           "note: instructions grow linearly (bench_analyse --once N under callgrind); above\n"
           "1,000 pupils glibc trims and re-faults the heap between runs, which costs time:\n"
           "GLIBC_TUNABLES=glibc.malloc.trim_threshold=2000000000 shows the linear figure\n");
    memory(argv[0]);
    return 0;
}
