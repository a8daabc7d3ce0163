/* store_sum.c: the checksum of an event: BLAKE2b over a canonical encoding of its fields. */
#include "store.h"

#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* Adds a text field as its byte length, ':' and its bytes, so no two events encode alike. */
static void add_text(crypto_generichash_state *st, const char *s)
{
    char len[24];
    size_t n = strlen(s);
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_generichash_update(st, (const unsigned char *)len, (unsigned long long)k);
    crypto_generichash_update(st, (const unsigned char *)s, n);
    crypto_generichash_update(st, (const unsigned char *)"\n", 1);
}

/* Adds an integer field in decimal. */
static void add_int(crypto_generichash_state *st, int64_t v)
{
    char text[24];
    int k = snprintf(text, sizeof text, "%" PRId64 "\n", v);
    crypto_generichash_update(st, (const unsigned char *)text, (unsigned long long)k);
}

void ld_event_sum_fields(const struct ld_event_sum_fields *f, char out[LD_EVENT_SUM_LEN + 1])
{
    static const char version[] = "latedoor-event-1\n";
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[LD_EVENT_SUM_LEN / 2];
    crypto_generichash_state st;
    /*
     * Safe to call again and from any thread; it picks the fastest BLAKE2b for this CPU. Should
     * it fail (no randomness source), BLAKE2b needs none: the portable code gives the same sum.
     */
    if (sodium_init() < 0) {
        /* nothing to do: the portable BLAKE2b is used */
    }
    crypto_generichash_init(&st, NULL, 0, sizeof digest);
    crypto_generichash_update(&st, (const unsigned char *)version, sizeof version - 1);
    add_text(&st, f->device_id);
    add_int(&st, f->seq);
    add_text(&st, f->uuid);
    add_int(&st, f->kind);
    add_int(&st, f->at_ms);
    add_int(&st, f->mono_ms);
    add_text(&st, f->boot_id);
    add_int(&st, f->clock);
    add_text(&st, f->upn);
    add_text(&st, f->card);
    add_int(&st, f->source);
    add_text(&st, f->staff);
    add_text(&st, f->reason);
    add_text(&st, f->ref_device);
    add_int(&st, f->ref_seq);
    add_int(&st, f->fixed_at_ms);
    crypto_generichash_final(&st, digest, sizeof digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[LD_EVENT_SUM_LEN] = '\0';
}

void ld_event_sum(const struct ld_event *ev, char out[LD_EVENT_SUM_LEN + 1])
{
    /* A copy with every text field ended: a caller's unterminated field is never read past. */
    struct ld_event c = *ev;
#define END(f) c.f[sizeof c.f - 1] = '\0'
    END(device_id);
    END(uuid);
    END(boot_id);
    END(upn);
    END(card);
    END(staff);
    END(reason);
    END(ref_device);
#undef END
    const struct ld_event_sum_fields f = {
        .device_id = c.device_id,
        .seq = c.seq,
        .uuid = c.uuid,
        .kind = c.kind,
        .at_ms = c.at_ms,
        .mono_ms = c.mono_ms,
        .boot_id = c.boot_id,
        .clock = c.clock,
        .upn = c.upn,
        .card = c.card,
        .source = c.source,
        .staff = c.staff,
        .reason = c.reason,
        .ref_device = c.ref_device,
        .ref_seq = c.ref_seq,
        .fixed_at_ms = c.fixed_at_ms,
    };
    ld_event_sum_fields(&f, out);
}

/* Text argument i, "" for NULL: the sum is of the text as stored, however long. */
static const char *arg_text(sqlite3_value **argv, int i)
{
    const unsigned char *t = sqlite3_value_text(argv[i]);
    return t ? (const char *)t : "";
}

/*
 * SQL ld_event_sum(device_id, seq, ..., fixed_at_ms): the migrations that fill old rows, the
 * device store's and the central store's (whose columns are the same, in the same order).
 */
static void sql_event_sum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    char sum[LD_EVENT_SUM_LEN + 1];
    (void)argc;
    const struct ld_event_sum_fields f = {
        .device_id = arg_text(argv, 0),
        .seq = sqlite3_value_int64(argv[1]),
        .uuid = arg_text(argv, 2),
        .kind = sqlite3_value_int64(argv[3]),
        .at_ms = sqlite3_value_int64(argv[4]),
        .mono_ms = sqlite3_value_int64(argv[5]),
        .boot_id = arg_text(argv, 6),
        .clock = sqlite3_value_int64(argv[7]),
        .upn = arg_text(argv, 8),
        .card = arg_text(argv, 9),
        .source = sqlite3_value_int64(argv[10]),
        .staff = arg_text(argv, 11),
        .reason = arg_text(argv, 12),
        .ref_device = arg_text(argv, 13),
        .ref_seq = sqlite3_value_int64(argv[14]),
        .fixed_at_ms = sqlite3_value_int64(argv[15]),
    };
    ld_event_sum_fields(&f, sum);
    sqlite3_result_text(ctx, sum, LD_EVENT_SUM_LEN, SQLITE_TRANSIENT);
}

int ld_store__register_sum(struct sqlite3 *db)
{
    return sqlite3_create_function(db, "ld_event_sum", 16, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   sql_event_sum, NULL, NULL);
}
