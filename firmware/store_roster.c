/* store_roster.c: importing a roster into the store, all or nothing, in one transaction. */
#include "store.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld_flags.h"

#define PUPIL_COLS LD_STORE__PUPIL_COLS

/* One key of the roster (a UPN or a card's hex) and the line it came from, for sorting. */
struct key {
    char text[LD_UID_HEXLEN]; /* holds a UPN (13) or a UID's hex (20) */
    unsigned line;
};

_Static_assert(LD_UID_HEXLEN > LD_UPN_LEN, "a key holds a UPN");

static int key_cmp(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Checks one row again: the store trusts no caller to have run the CSV reader's checks. */
static ld_err check_row(const struct ld_roster_pupil *p, char *msg, size_t msglen)
{
    char what[32];
    snprintf(what, sizeof what, "line %u", p->line);
    struct {
        const char *name, *s;
        size_t size, cap;
        bool required;
    } text[] = {
        {"legal_first", p->legal_first, sizeof p->legal_first, LD_NAME_MAX, true},
        {"legal_last", p->legal_last, sizeof p->legal_last, LD_NAME_MAX, true},
        {"preferred_first", p->preferred_first, sizeof p->preferred_first, LD_NAME_MAX, false},
        {"preferred_last", p->preferred_last, sizeof p->preferred_last, LD_NAME_MAX, false},
        {"year", p->year, sizeof p->year, LD_YEAR_MAX, false},
        {"class", p->class_name, sizeof p->class_name, LD_CLASS_MAX, true},
        {"family", p->family, sizeof p->family, LD_FAMILY_MAX, false},
    };
    if (strnlen(p->upn, sizeof p->upn) == sizeof p->upn || !ld_store__is_upn(p->upn)) {
        ld_store__msg(msg, msglen, "%s: upn: not a UPN (a letter and 12 characters)", what);
        return LD_ERR_INVALID;
    }
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        ld_err err = ld_store__check_text(what, text[i].name, text[i].s, text[i].size, text[i].cap,
                                          text[i].required, msg, msglen);
        if (err)
            return err;
    }
    if (p->flags & ~LD_FLAG_ALL) {
        ld_store__msg(msg, msglen, "%s: flags: 0x%x holds bits of no flag", what, p->flags);
        return LD_ERR_INVALID;
    }
    if (p->card.len > LD_UID_MAX) {
        ld_store__msg(msg, msglen, "%s: card: longer than %d bytes", what, LD_UID_MAX);
        return LD_ERR_RANGE;
    }
    return LD_OK;
}

/* Sorts keys and refuses the first key given twice, naming both lines. */
static ld_err find_duplicates(struct key *keys, size_t n, const char *what, char *msg,
                              size_t msglen)
{
    qsort(keys, n, sizeof *keys, key_cmp);
    for (size_t i = 1; i < n; i++) {
        if (!strcmp(keys[i - 1].text, keys[i].text)) {
            ld_store__msg(msg, msglen, "line %u: %s %s: also on line %u", keys[i].line, what,
                          keys[i].text, keys[i - 1].line);
            return LD_ERR_DUPLICATE;
        }
    }
    return LD_OK;
}

/* Checks every row and refuses duplicate UPNs and cards, before the store is touched. */
static ld_err check_roster(const struct ld_roster *roster, char *msg, size_t msglen)
{
    struct key *upns = NULL, *cards = NULL;
    size_t ncards = 0;
    ld_err err = LD_OK;

    if (roster->count > LD_ROSTER_MAX_PUPILS) {
        ld_store__msg(msg, msglen, "roster: %zu pupils, more than %d", roster->count,
                      LD_ROSTER_MAX_PUPILS);
        return LD_ERR_RANGE;
    }
    if (roster->count && !roster->pupils) {
        ld_store__msg(msg, msglen, "roster: %zu pupils but no rows", roster->count);
        return LD_ERR_INVALID;
    }
    if (roster->count == 0) {
        ld_store__msg(msg, msglen,
                      "roster: no pupils: importing it would make every pupil inactive");
        return LD_ERR_INVALID;
    }
    upns = calloc(roster->count, sizeof *upns);
    cards = calloc(roster->count, sizeof *cards);
    if (!upns || !cards) {
        ld_store__msg(msg, msglen, "roster: out of memory");
        err = LD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < roster->count; i++) {
        const struct ld_roster_pupil *p = &roster->pupils[i];
        err = check_row(p, msg, msglen);
        if (err)
            goto out;
        memcpy(upns[i].text, p->upn, sizeof p->upn);
        upns[i].line = p->line;
        if (p->card.len) {
            ld_uid_format(&p->card, cards[ncards].text);
            cards[ncards++].line = p->line;
        }
    }
    err = find_duplicates(upns, roster->count, "UPN", msg, msglen);
    if (!err)
        err = find_duplicates(cards, ncards, "card", msg, msglen);
out:
    free(upns);
    free(cards);
    return err;
}

/* True when the stored pupil already matches the row (and is active). */
static bool pupil_matches(const struct ld_pupil *have, const struct ld_roster_pupil *p,
                          const char *pref_first, const char *pref_last)
{
    return have->active && !strcmp(have->legal_first, p->legal_first) &&
           !strcmp(have->legal_last, p->legal_last) && !strcmp(have->preferred_first, pref_first) &&
           !strcmp(have->preferred_last, pref_last) && !strcmp(have->year, p->year) &&
           !strcmp(have->class_name, p->class_name) && !strcmp(have->family, p->family) &&
           have->flags == p->flags && have->has_admitted == p->has_admitted &&
           (!p->has_admitted || have->admitted == p->admitted) && have->has_left == p->has_left &&
           (!p->has_left || have->left == p->left);
}

/* Binds an optional date: NULL when the roster gives none. */
static int bind_date(sqlite3_stmt *st, int col, bool has, ld_date d)
{
    return has ? sqlite3_bind_int(st, col, d) : sqlite3_bind_null(st, col);
}

/* The statements an import runs once per row, prepared once. */
struct stmts {
    sqlite3_stmt *get, *put, *mark;
};

/* Inserts or updates one pupil (made active), counting what happened. */
static ld_err upsert_pupil(struct ld_store *store, const struct stmts *q,
                           const struct ld_roster_pupil *p, struct ld_import_summary *sum,
                           char *msg, size_t msglen)
{
    struct ld_pupil have;
    const char *pref_first = p->preferred_first[0] ? p->preferred_first : p->legal_first;
    const char *pref_last = p->preferred_last[0] ? p->preferred_last : p->legal_last;
    char what[48];
    ld_err err = LD_OK;

    snprintf(what, sizeof what, "line %u: store the pupil", p->line);
    int rc = sqlite3_bind_text(q->mark, 1, p->upn, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q->mark, 2, p->line);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q->mark);
    sqlite3_reset(q->mark);
    if (rc != SQLITE_DONE)
        return ld_store__sqlite_err(store, rc, what, msg, msglen);

    rc = sqlite3_bind_text(q->get, 1, p->upn, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q->get);
    if (rc == SQLITE_ROW)
        err = ld_store__row_to_pupil(store, q->get, &have, msg, msglen);
    else if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, what, msg, msglen);
    sqlite3_reset(q->get);
    if (err)
        return err;
    if (rc == SQLITE_DONE) {
        sum->added++;
    } else if (pupil_matches(&have, p, pref_first, pref_last)) {
        sum->unchanged++;
        return LD_OK;
    } else {
        sum->updated++;
    }

    sqlite3_stmt *put = q->put;
    rc = sqlite3_bind_text(put, 1, p->upn, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(put, 2, p->legal_first, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(put, 3, p->legal_last, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(put, 4, pref_first, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(put, 5, pref_last, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(put, 6, p->year, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(put, 7, p->class_name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(put, 8, p->family, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(put, 9, (int)p->flags);
    if (rc == SQLITE_OK)
        rc = bind_date(put, 10, p->has_admitted, p->admitted);
    if (rc == SQLITE_OK)
        rc = bind_date(put, 11, p->has_left, p->left);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(put);
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, what, msg, msglen);
    sqlite3_reset(put);
    return err;
}

/* Gives the row's card to its pupil, following the rules in store.h. */
static ld_err import_card(struct ld_store *store, const struct ld_roster_pupil *p,
                          struct ld_import_summary *sum, char *msg, size_t msglen)
{
    char hex[LD_UID_HEXLEN];
    char holder[LD_STAFF_ID_MAX + 1];
    char kind = 0;
    bool from_roster = false;

    ld_uid_format(&p->card, hex);
    ld_err err = ld_store__exec2(store, "INSERT INTO temp.roster_cards (uid) VALUES (?1)", hex,
                                 NULL, NULL, "import a card", msg, msglen);
    if (!err)
        err = ld_store__card_holder(store, hex, &kind, holder, sizeof holder, &from_roster, msg,
                                    msglen);
    if (err)
        return err;
    sum->cards++;
    if (kind == 's') {
        ld_store__msg(msg, msglen, "line %u: card %s: is staff member %s's card", p->line, hex,
                      holder);
        return LD_ERR_DUPLICATE;
    }
    if (kind == 0)
        return ld_store__exec2(store,
                               "INSERT INTO cards (uid, upn, from_roster) VALUES (?1, ?2, 1)", hex,
                               p->upn, NULL, "import a card", msg, msglen);
    if (!strcmp(holder, p->upn) || from_roster)
        return ld_store__exec2(store, "UPDATE cards SET upn = ?2, from_roster = 1 WHERE uid = ?1",
                               hex, p->upn, NULL, "import a card", msg, msglen);

    /* Enrolled at the kiosk to another pupil: only theirs to lose if they have left. */
    sqlite3_stmt *st = NULL;
    err = ld_store__prepare(store, "SELECT line FROM temp.roster_upns WHERE upn = ?1", &st, msg,
                            msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, holder, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        ld_store__msg(msg, msglen,
                      "line %u: card %s for %s is enrolled at the kiosk to %s (line %d): remove "
                      "that enrolment or correct the roster, then import again",
                      p->line, hex, p->upn, holder, sqlite3_column_int(st, 0));
        err = LD_ERR_DUPLICATE;
    } else if (rc != SQLITE_DONE) {
        err = ld_store__sqlite_err(store, rc, "import a card", msg, msglen);
    }
    sqlite3_finalize(st);
    if (err)
        return err;
    sum->cards_moved++;
    return ld_store__exec2(store, "UPDATE cards SET upn = ?2, from_roster = 1 WHERE uid = ?1", hex,
                           p->upn, NULL, "import a card", msg, msglen);
}

/* Writes the number of active pupils to *n. */
static ld_err count_active(struct ld_store *store, int64_t *n, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err =
        ld_store__prepare(store, "SELECT count(*) FROM pupils WHERE active = 1", &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        err = ld_store__sqlite_err(store, rc, "count the pupils on the roll", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

/*
 * Refuses an import that would take more than a fifth of the active pupils off the roll: a
 * one-class export imported by mistake would otherwise switch the rest of the school off. The
 * message says how many, and from which classes (the most first).
 */
static ld_err check_leavers(struct ld_store *store, int64_t active, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    char classes[256] = "";
    size_t used = 0;
    int64_t leaving = 0;
    ld_err err = ld_store__prepare(store,
                                   "SELECT class_name, count(*) FROM pupils WHERE active = 1 AND"
                                   " upn NOT IN (SELECT upn FROM temp.roster_upns)"
                                   " GROUP BY class_name ORDER BY count(*) DESC, class_name",
                                   &st, msg, msglen);
    if (err)
        return err;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(st, 1);
        const unsigned char *name = sqlite3_column_text(st, 0);
        leaving += n;
        if (used + 48 < sizeof classes)
            used += (size_t)snprintf(classes + used, sizeof classes - used, "%s%s (%" PRId64 ")",
                                     used ? ", " : "", name ? (const char *)name : "?", n);
        else if (used + 5 < sizeof classes && classes[used - 1] != '.')
            used += (size_t)snprintf(classes + used, sizeof classes - used, ", ...");
    }
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "count the leavers", msg, msglen);
    sqlite3_finalize(st);
    if (!err && leaving * 5 > active) {
        ld_store__msg(msg, msglen,
                      "roster: importing it would take %" PRId64 " of the %" PRId64
                      " pupils on the roll off it, more than a fifth: %s. If they have really "
                      "left, import it again with --leavers",
                      leaving, active, classes);
        err = LD_ERR_INVALID;
    }
    return err;
}

/* The whole import, inside the caller's transaction. */
static ld_err import(struct ld_store *store, const struct ld_roster *roster, bool leavers,
                     struct ld_import_summary *sum, char *msg, size_t msglen)
{
    int64_t active = 0;
    sqlite3 *db = ld_store__db(store);
    struct stmts q = {0};
    int changes = 0;

    /* Temporary tables live in memory (temp_store=MEMORY) and in this connection only. */
    int rc = sqlite3_exec(db,
                          "CREATE TEMP TABLE IF NOT EXISTS roster_upns"
                          " (upn TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;"
                          "CREATE TEMP TABLE IF NOT EXISTS roster_cards"
                          " (uid TEXT PRIMARY KEY) WITHOUT ROWID;"
                          "DELETE FROM temp.roster_upns; DELETE FROM temp.roster_cards;",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return ld_store__sqlite_err(store, rc, "roster import", msg, msglen);

    ld_err err = ld_store__prepare(store, "SELECT " PUPIL_COLS " FROM pupils p WHERE p.upn = ?1",
                                   &q.get, msg, msglen);
    if (!err)
        err = ld_store__prepare(
            store,
            "INSERT INTO pupils (upn, legal_first, legal_last, preferred_first, preferred_last,"
            " year, class_name, family, flags, active, admitted, leaving)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11)"
            " ON CONFLICT (upn) DO UPDATE SET legal_first = ?2, legal_last = ?3,"
            " preferred_first = ?4, preferred_last = ?5, year = ?6, class_name = ?7,"
            " family = ?8, flags = ?9, active = 1, admitted = ?10, leaving = ?11",
            &q.put, msg, msglen);
    if (!err)
        err = ld_store__prepare(store, "INSERT INTO temp.roster_upns (upn, line) VALUES (?1, ?2)",
                                &q.mark, msg, msglen);
    if (!err)
        err = count_active(store, &active, msg, msglen);
    for (size_t i = 0; i < roster->count && !err; i++)
        err = upsert_pupil(store, &q, &roster->pupils[i], sum, msg, msglen);
    if (!err && !leavers)
        err = check_leavers(store, active, msg, msglen);
    if (!err)
        err = ld_store__exec2(store,
                              "UPDATE pupils SET active = 0 WHERE active = 1 AND upn NOT IN"
                              " (SELECT upn FROM temp.roster_upns)",
                              NULL, NULL, &changes, "deactivate pupils", msg, msglen);
    if (err)
        goto out;
    sum->deactivated = (size_t)changes;

    for (size_t i = 0; i < roster->count && !err; i++)
        if (roster->pupils[i].card.len)
            err = import_card(store, &roster->pupils[i], sum, msg, msglen);
    /* A pupil who left keeps their cards: back on a later roster, their card still works. */
    if (!err)
        err = ld_store__exec2(store,
                              "DELETE FROM cards WHERE from_roster = 1 AND uid NOT IN"
                              " (SELECT uid FROM temp.roster_cards) AND upn IN"
                              " (SELECT upn FROM temp.roster_upns)",
                              NULL, NULL, &changes, "remove old cards", msg, msglen);
    if (!err)
        sum->cards_removed = (size_t)changes;
out:
    sqlite3_finalize(q.get);
    sqlite3_finalize(q.put);
    sqlite3_finalize(q.mark);
    return err;
}

ld_err ld_store_import_roster(struct ld_store *store, const struct ld_roster *roster,
                              struct ld_import_summary *sum, char *msg, size_t msglen)
{
    return ld_store_import_roster_with(store, roster, NULL, sum, msg, msglen);
}

ld_err ld_store_import_roster_with(struct ld_store *store, const struct ld_roster *roster,
                                   const struct ld_import_options *opt,
                                   struct ld_import_summary *sum, char *msg, size_t msglen)
{
    struct ld_import_summary s = {0};

    if (!store || !roster) {
        ld_store__msg(msg, msglen, "roster import: no store or no roster given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_roster(roster, msg, msglen);
    if (err)
        return err;
    err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    err = import(store, roster, opt && opt->leavers, &s, msg, msglen);
    if (!err)
        err = ld_store__commit(store, msg, msglen);
    ld_store__rollback(store);
    /* Leave nothing of this roster in memory; a failure here loses nothing durable. */
    (void)sqlite3_exec(ld_store__db(store),
                       "DELETE FROM temp.roster_upns; DELETE FROM temp.roster_cards;", NULL, NULL,
                       NULL);
    if (!err && sum)
        *sum = s;
    return err;
}
