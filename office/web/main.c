/*
 * main.c: latedoor-office, the office's web application over the central store (docs/office.md).
 *
 *   latedoor-office --central URL [--passfile FILE] [--listen ADDR:PORT]
 *                   [--tls-dir DIR | --tls-cert FILE --tls-key FILE | --no-tls]
 *                   [--files DIR] [--template FILE] [--threads N] [--client-timeout S]
 *                   [--trusted-proxy ADDR] [--clock-file FILE]
 *
 * --trusted-proxy names the reverse proxy in front (its IP address): only from it is the client's
 * address taken from X-Forwarded-For, for the sign-in throttle per address.
 * --clock-file is for tests and the demo: the time (ms since 1970) is read from FILE at each use.
 *
 * Without TLS it listens on a loopback address only (the demo, tests, a proxy on the same
 * machine): cookies then go without Secure, which browsers would not send over plain HTTP.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web.h"
#include "web_tls.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    g_stop = 1;
}

static const char usage[] =
    "usage: latedoor-office --central URL [--passfile FILE] [--listen ADDR:PORT]\n"
    "                       [--tls-dir DIR | --tls-cert FILE --tls-key FILE | --no-tls]\n"
    "                       [--files DIR] [--template FILE] [--threads N] [--client-timeout S]\n"
    "                       [--trusted-proxy ADDR]\n";

/* Splits "ADDR:PORT" into the options; false when malformed. */
static bool parse_listen(const char *s, struct ld_web_options *o, char host[64])
{
    const char *colon = strrchr(s, ':');
    char *end = NULL;
    if (!colon || colon == s || (size_t)(colon - s) >= 64)
        return false;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    o->listen_host = host;
    o->port = (int)port;
    return true;
}

static bool loopback(const char *host)
{
    struct in_addr a;
    return inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

int main(int argc, char **argv)
{
    static struct ld_web w = {.opt = {.listen_host = "127.0.0.1", .port = 8080, .threads = 4}};
    char host[64], msg[1024], fp[96], cert[4096], key[4096];
    const char *tls_dir = NULL;
    bool no_tls = false;
    int rc = 2;
    /* Two malloc arenas for the worker threads, not eight a core: what a burst of requests
     * allocated goes back to be reused instead of resting in per-thread arenas (bench_office:
     * the resident memory at rest after 50 users). */
    mallopt(M_ARENA_MAX, 2);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-tls")) {
            no_tls = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "latedoor-office: %s: needs a value\n%s", a, usage);
            return 2;
        }
        i++;
        if (!strcmp(a, "--central"))
            w.opt.central = v;
        else if (!strcmp(a, "--passfile"))
            w.opt.passfile = v;
        else if (!strcmp(a, "--listen")) {
            if (!parse_listen(v, &w.opt, host)) {
                fprintf(stderr, "latedoor-office: --listen: \"%s\" is not ADDR:PORT\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--tls-dir"))
            tls_dir = v;
        else if (!strcmp(a, "--tls-cert"))
            w.opt.tls_cert = v;
        else if (!strcmp(a, "--tls-key"))
            w.opt.tls_key = v;
        else if (!strcmp(a, "--files"))
            w.opt.files_dir = v;
        else if (!strcmp(a, "--threads"))
            w.opt.threads = atoi(v);
        else if (!strcmp(a, "--template"))
            w.opt.template_path = v;
        else if (!strcmp(a, "--client-timeout"))
            w.opt.timeout_s = atoi(v);
        else if (!strcmp(a, "--clock-file"))
            w.opt.clock_file = v;
        else if (!strcmp(a, "--trusted-proxy")) {
            unsigned char bin[16];
            if (inet_pton(AF_INET, v, bin) != 1 && inet_pton(AF_INET6, v, bin) != 1) {
                fprintf(stderr, "latedoor-office: --trusted-proxy: \"%s\" is not an IP address\n",
                        v);
                return 2;
            }
            w.opt.trusted_proxy = v;
        } else {
            fprintf(stderr, "latedoor-office: %s: unknown option\n%s", a, usage);
            return 2;
        }
    }
    if (!w.opt.central || (!w.opt.tls_cert != !w.opt.tls_key) ||
        (no_tls && (tls_dir || w.opt.tls_cert)) || (tls_dir && w.opt.tls_cert)) {
        fprintf(stderr,
                "latedoor-office: give --central, and one of --tls-dir, --tls-cert with "
                "--tls-key, or --no-tls\n%s",
                usage);
        return 2;
    }
    if (!no_tls && !tls_dir && !w.opt.tls_cert) {
        fprintf(stderr, "latedoor-office: TLS: give --tls-dir DIR (a certificate is made there at "
                        "first start) or the school's --tls-cert and --tls-key; --no-tls only "
                        "on a loopback address\n");
        return 2;
    }
    if (no_tls && !loopback(w.opt.listen_host)) {
        fprintf(stderr, "latedoor-office: --no-tls listens on a loopback address only (127.x): "
                        "passwords and cookies must not cross the network in clear\n");
        return 2;
    }
    if (tls_dir) {
        snprintf(cert, sizeof cert, "%s/office.crt", tls_dir);
        snprintf(key, sizeof key, "%s/office.key", tls_dir);
        w.opt.tls_cert = cert;
        w.opt.tls_key = key;
    }
    if (w.opt.tls_cert) {
        char name[256] = "localhost";
        if (tls_dir && gethostname(name, sizeof name))
            snprintf(name, sizeof name, "localhost");
        if (ld_web_tls_ensure(w.opt.tls_cert, w.opt.tls_key, name, fp, msg, sizeof msg)) {
            fprintf(stderr, "latedoor-office: %s\n", msg);
            return 1;
        }
        printf("latedoor-office: certificate %s\n  SHA-256 fingerprint %s\n", w.opt.tls_cert, fp);
    }
    if (ld_central_open(w.opt.central, w.opt.passfile, LD_CENTRAL_ADMIN, &w.c, msg, sizeof msg)) {
        fprintf(stderr, "latedoor-office: %s\n", msg);
        return 1;
    }
    const char *tpl = w.opt.template_path ? w.opt.template_path : ld_report_default_template();
    if (ld_letter_template_load(tpl, &w.letter, msg, sizeof msg))
        fprintf(stderr, "latedoor-office: letters will not be shown: %s\n", msg);
    pthread_mutex_init(&w.store_lock, NULL);
    pthread_mutex_init(&w.cache_lock, NULL);
    pthread_mutex_init(&w.upload_lock, NULL);
    pthread_mutex_init(&w.throttle_lock, NULL);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!ld_web_start(&w, msg, sizeof msg)) {
        fprintf(stderr, "latedoor-office: %s\n", msg);
        rc = 1;
        goto out;
    }
    printf("latedoor-office: listening on %s://%s:%d/\n", w.tls ? "https" : "http",
           w.opt.listen_host, w.opt.port);
    fflush(stdout);
    /* At rest, what the requests freed goes back to the system (malloc keeps it otherwise):
     * looked at every few seconds; a signal ends the sleep at once. */
    while (!g_stop) {
        sleep(5);
        malloc_trim(0);
    }
    ld_web_stop(&w);
    rc = 0;
out:
    web_cache_free(&w);
    web_uploads_free(&w);
    ld_letter_template_free(w.letter);
    ld_central_close(w.c);
    pthread_mutex_destroy(&w.store_lock);
    pthread_mutex_destroy(&w.cache_lock);
    pthread_mutex_destroy(&w.upload_lock);
    pthread_mutex_destroy(&w.throttle_lock);
    return rc;
}
