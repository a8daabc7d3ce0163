/*
 * web_throttle.c: sign-in failures counted per client address, beside the per-account count of
 * users.c. One address that fails many sign-ins (across any accounts: someone trying names and
 * passwords) is first slowed, then refused for a while, before its tries reach the accounts: so
 * the accounts it tried are neither guessed nor locked, and their owners sign in as usual from
 * their own computers. Kept in memory, per server: a restart forgets (the accounts' own counts,
 * in the central store, still hold).
 */
#include "web.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The address a request came from (an IP address as text) into out: the peer's, or behind the
 * configured reverse proxy, the last address of X-Forwarded-For (the one that proxy added;
 * anything a client wrote there comes before it). */
void web_client_address(const struct web_req *q, char out[LD_WEB_ADDR_MAX + 1])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, LD_WEB_ADDR_MAX + 1, "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, LD_WEB_ADDR_MAX + 1);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                  LD_WEB_ADDR_MAX + 1);
    const char *proxy = q->w->opt.trusted_proxy, *xff = web_header(q, "X-Forwarded-For");
    if (!proxy || strcmp(proxy, out) || !xff)
        return; /* X-Forwarded-For is anyone's to write: believed only from the proxy */
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    last += strspn(last, " \t");
    size_t n = strcspn(last, " \t");
    char given[LD_WEB_ADDR_MAX + 1];
    unsigned char bin[16];
    if (n == 0 || n > LD_WEB_ADDR_MAX)
        return;
    memcpy(given, last, n);
    given[n] = '\0';
    if (inet_pton(AF_INET, given, bin) == 1 || inet_pton(AF_INET6, given, bin) == 1)
        memcpy(out, given, n + 1);
}

/* The slot of addr, with its count forgotten once its last failure is a window old; NULL when
 * the address has no slot (make: take one, the stalest, when the table is full). */
static struct web_addr_fails *slot_of(struct ld_web *w, const char *addr, int64_t now, bool make)
{
    struct web_addr_fails *stalest = NULL;
    for (size_t i = 0; i < LD_WEB_ADDRS_HELD; i++) {
        struct web_addr_fails *s = &w->addr_fails[i];
        if (s->addr[0] && now - s->last_ms >= LD_WEB_ADDR_WINDOW_MS)
            memset(s, 0, sizeof *s);
        if (!strcmp(s->addr, addr) && s->addr[0])
            return s;
        if (!stalest || !s->addr[0] || (stalest->addr[0] && s->last_ms < stalest->last_ms))
            stalest = s;
    }
    if (!make || !stalest)
        return NULL;
    memset(stalest, 0, sizeof *stalest);
    snprintf(stalest->addr, sizeof stalest->addr, "%s", addr);
    return stalest;
}

int64_t web_addr_backoff_ms(int fails)
{
    if (fails >= LD_WEB_ADDR_REFUSE_AFTER)
        return LD_WEB_ADDR_WINDOW_MS;
    if (fails < LD_WEB_ADDR_SLOW_AFTER)
        return 0;
    /* the accounts' own ladder (1 s, doubling to a minute), begun at the address's threshold */
    return ld_user_backoff_ms(fails - LD_WEB_ADDR_SLOW_AFTER + LD_USER_SLOW_AFTER);
}

bool web_addr_may_try(struct ld_web *w, const char *addr, char *msg, size_t msglen)
{
    int64_t now = web_now_ms(w), wait = 0;
    int fails = 0;
    pthread_mutex_lock(&w->throttle_lock);
    const struct web_addr_fails *s = slot_of(w, addr, now, false);
    if (s) {
        fails = s->fails;
        wait = s->last_ms + web_addr_backoff_ms(s->fails) - now;
    }
    pthread_mutex_unlock(&w->throttle_lock);
    if (wait <= 0)
        return true;
    if (fails >= LD_WEB_ADDR_REFUSE_AFTER)
        snprintf(msg, msglen,
                 "Too many failed sign-ins from this computer's network address: signing in "
                 "from it is refused for %" PRId64 " minutes. Other computers are not affected; "
                 "if this is wrong, ask your technician.",
                 (wait + 59999) / 60000);
    else
        snprintf(msg, msglen,
                 "Too many failed sign-ins from this computer's network address: wait %" PRId64
                 " seconds and try again.",
                 (wait + 999) / 1000);
    return false;
}

void web_addr_failed(struct ld_web *w, const char *addr)
{
    int64_t now = web_now_ms(w);
    int fails;
    pthread_mutex_lock(&w->throttle_lock);
    struct web_addr_fails *s = slot_of(w, addr, now, true);
    fails = ++s->fails;
    s->last_ms = now;
    pthread_mutex_unlock(&w->throttle_lock);
    if (fails == LD_WEB_ADDR_SLOW_AFTER || fails == LD_WEB_ADDR_REFUSE_AFTER)
        fprintf(stderr, "latedoor-office: sign-in: %d failures from %s: %s\n", fails, addr,
                fails == LD_WEB_ADDR_REFUSE_AFTER ? "refused for a while" : "slowed");
}
