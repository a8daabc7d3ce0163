/*
 * test_report_pg.c: the same generated term in a PostgreSQL and an SQLite central store gives
 * the same report, byte for byte; an office correction and MIS marks on PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "central.h"
#include "office.h"
#include "page_check.h"
#include "pg_info.h"
#include "report.h"
#include "term_gen.h"

#define M msg, sizeof msg

static struct ld_pg_info g_pg;
static char g_super_pw[LD_CENTRAL_PASSWORD_MAX + 1];

static struct ld_report *report(const char *url, const char *passfile, const char *school,
                                ld_date as_of, const char *out)
{
    struct ld_central *c = NULL;
    struct ld_report *r = NULL;
    char msg[1024] = "";
    if (ld_central_open(url, passfile, LD_CENTRAL_ADMIN, &c, M) ||
        ld_report_load(c, school, as_of, &r, M))
        fail_msg("%s", msg);
    ld_central_close(c);
    struct ld_report_options opt = {.out_dir = out};
    if (ld_report_write(r, &opt, M))
        fail_msg("%s", msg);
    return r;
}

static void same_report_on_both_backends(void **state)
{
    (void)state;
    char msg[1024] = "", tag[16], db[32], sql[128], st[6], pg_url[256], sq_url[128];
    char dir[] = "/tmp/ld-report-pg-XXXXXX", out_pg[64], out_sq[64];
    struct gen_term tpg, tsq;
    assert_non_null(mkdtemp(dir));
    snprintf(tag, sizeof tag, "r%x", (unsigned)getpid() & 0xfffff);
    snprintf(db, sizeof db, "ld_report_%s", tag);
    PGconn *s = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, "postgres");
    assert_non_null(s);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER %s", db, g_pg.admin);
    ld_pg_exec(s, sql, st);
    assert_string_equal(st, "");
    ld_pg_url(&g_pg, g_pg.admin, db, NULL, pg_url, sizeof pg_url);
    snprintf(sq_url, sizeof sq_url, "sqlite:%s/central.db", dir);
    snprintf(out_pg, sizeof out_pg, "%s/pg", dir);
    snprintf(out_sq, sizeof out_sq, "%s/sq", dir);
    ld_date as_of = ld_date_from_ymd(2026, 11, 20);
    assert_int_equal(gen_term_build(pg_url, g_pg.admin_passfile, tag, 0, as_of, 7, &tpg), 0);
    assert_int_equal(gen_term_build(sq_url, NULL, tag, 0, as_of, 7, &tsq), 0);

    struct ld_report *a = report(pg_url, g_pg.admin_passfile, tpg.school, as_of, out_pg);
    struct ld_report *b = report(sq_url, NULL, tsq.school, as_of, out_sq);
    assert_int_equal(a->nevents, tpg.nevents);
    assert_int_equal(a->nevents, b->nevents);
    assert_int_equal(a->narrivals, b->narrivals);
    for (size_t i = 0; i < ld_result_pupil_count(a->result); i++) {
        const struct ld_pupil_result *x = ld_result_pupil(a->result, i);
        const struct ld_pupil_result *y = ld_result_pupil(b->result, i);
        assert_string_equal(x->id, y->id);
        assert_int_equal(x->late_l, y->late_l);
        assert_int_equal(x->late_u, y->late_u);
        assert_int_equal(x->late_minutes, y->late_minutes);
        assert_int_equal(x->npatterns, y->npatterns);
    }
    static const char *const files[] = {"index.html",     "daily.html",     "weekly.html",
                                        "action.html",    "letters.html",   "late-log.csv",
                                        "action.csv",     "mis-export.csv", "weekly-classes.csv",
                                        "conflicts.html", "conflicts.csv"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char *x = page_slurp(out_pg, files[k]), *y = page_slurp(out_sq, files[k]);
        if (strcmp(x, y))
            fail_msg("%s differs between PostgreSQL and SQLite", files[k]);
        free(x);
        free(y);
    }
    ld_report_free(a);
    ld_report_free(b);

    /* an office correction on PostgreSQL: its own device role, pulled by the door */
    const struct gen_arrival *first = NULL;
    for (size_t i = 0; i < tpg.narrivals && !first; i++)
        if (tpg.arrivals[i].date == as_of)
            first = &tpg.arrivals[i];
    assert_non_null(first);
    struct ld_central *c = NULL;
    struct ld_central_event made;
    if (ld_central_open(pg_url, g_pg.admin_passfile, LD_CENTRAL_ADMIN, &c, M) ||
        ld_office_correct(c, tpg.school, LD_OFFICE_VOID, first->device, first->seq, "test",
                          "j.fenwick", INT64_C(1795000000000), &made, M))
        fail_msg("%s", msg);
    struct ld_central_event got[8];
    size_t n = 0;
    int64_t after = 0;
    bool seen = false;
    do {
        if (ld_central_pull(c, tpg.gate, tpg.school, after, got, 8, &n, M))
            fail_msg("%s", msg);
        for (size_t i = 0; i < n; i++)
            seen |= !strcmp(got[i].device_id, made.device_id) && got[i].kind == LD_CEV_VOID;
        if (n)
            after = got[n - 1].global_seq;
    } while (n);
    assert_true(seen);

    /* MIS marks on PostgreSQL */
    struct ld_central_mark m = {.date = as_of, .session = 1, .code = "C1", .minutes = -1};
    memcpy(m.upn, first->upn, sizeof m.upn);
    size_t added = 0, replaced = 0;
    assert_int_equal(ld_central_put_marks(c, tpg.school, &m, 1, &added, &replaced, M), LD_OK);
    assert_int_equal(added, 1);
    ld_central_close(c);
    a = report(pg_url, g_pg.admin_passfile, tpg.school, as_of, out_pg);
    assert_true(a->has_mis_marks);
    /* what the registers cover: the day of the one MIS mark, on every page */
    char *action = page_slurp(out_pg, "action.html");
    assert_non_null(strstr(action, "registers known up to Fri 20 Nov"));
    free(action);
    char *daily = page_slurp(out_pg, "daily.html");
    assert_non_null(strstr(daily, "<tr class=\"void\""));
    free(daily);
    ld_report_free(a);

    gen_term_free(&tpg);
    gen_term_free(&tsq);
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", db);
    ld_pg_exec(s, sql, st);
    PQfinish(s);
    snprintf(sql, sizeof sql, "rm -rf %s", dir);
    assert_int_equal(system(sql), 0);
}

int main(void)
{
    char msg[512];
    if (ld_pg_info_load(&g_pg, msg, sizeof msg)) {
        fprintf(stderr, "test_report_pg: %s\n", msg);
        return 1;
    }
    if (g_pg.skip[0]) {
        const char *ci = getenv("CI");
        fprintf(stderr, "test_report_pg: %s\n", g_pg.skip);
        return ci && !strcmp(ci, "true") ? 1 : 77;
    }
    if (!ld_pg_read_password(g_pg.super_passfile, g_super_pw, sizeof g_super_pw)) {
        fprintf(stderr, "test_report_pg: cannot read %s\n", g_pg.super_passfile);
        return 1;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(same_report_on_both_backends)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
