/* test_roster_csv.c: reading MIS roster exports: spellings, encodings, and every way to fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ld_flags.h"
#include "reader.h"
#include "roster.h"
#include "store.h"
#include "upn.h"

#define FIXTURES LD_TEST_DATA "/config/fixtures"
#define HEADER   "UPN,Forename,Surname,Reg Group\n"

static char msg[512];

/* UPNs with right check letters (K938212025001 and on), made as the DfE says. */
static const char *upn_n(unsigned n, char buf[LD_UPN_LEN + 1])
{
    snprintf(buf, LD_UPN_LEN + 1, "A938%09u", n);
    char want = 'A';
    ld_upn_check(buf, &want);
    buf[0] = want;
    return buf;
}

static ld_err parse(const char *csv, struct ld_roster *r, struct ld_roster_warnings *w)
{
    msg[0] = '\0';
    return ld_roster_parse_csv_buffer(csv, strlen(csv), "roster.csv", r, w, msg, sizeof msg);
}

static void expect_ok(const char *csv, struct ld_roster *r, struct ld_roster_warnings *w)
{
    ld_err err = parse(csv, r, w);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
}

/* Expects the whole import refused, exactly with want, and nothing handed over. */
static void expect_error_n(const char *csv, size_t len, ld_err code, const char *want)
{
    struct ld_roster r;
    struct ld_roster_warnings w;
    msg[0] = '\0';
    ld_err err = ld_roster_parse_csv_buffer(csv, len, "roster.csv", &r, &w, msg, sizeof msg);
    if (strcmp(msg, want))
        print_error("got  %s\nwant %s\n", msg, want);
    assert_string_equal(msg, want);
    assert_int_equal(err, code);
    assert_null(r.pupils);
    assert_int_equal(r.count, 0);
    assert_null(w.items);
    assert_int_equal(w.count, 0);
}

static void expect_error(const char *csv, ld_err code, const char *want)
{
    expect_error_n(csv, strlen(csv), code, want);
}

static void sims_export(void **state)
{
    struct ld_roster r;
    struct ld_roster_warnings w;
    ld_err err = ld_roster_parse_csv(FIXTURES "/roster_sims.csv", &r, &w, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_int_equal(r.count, 5);
    assert_int_equal(w.count, 0);

    const struct ld_roster_pupil *p = &r.pupils[0];
    assert_string_equal(p->upn, "K938212025001");
    assert_string_equal(p->legal_first, "Zoë");
    assert_string_equal(p->legal_last, "Ashworth");
    assert_string_equal(p->preferred_first, "Zoë"); /* none given: the legal name */
    assert_string_equal(p->preferred_last, "Ashworth");
    assert_string_equal(p->year, "4");
    assert_string_equal(p->class_name, "4A");
    assert_string_equal(p->family, "F0101");
    assert_int_equal(p->flags, 0);
    assert_int_equal(p->card.len, 4);
    assert_int_equal(p->card.bytes[0], 0x04);
    assert_int_equal(p->card.bytes[3], 0xC4);
    assert_int_equal(p->line, 2);

    p = &r.pupils[1];
    assert_string_equal(p->legal_first, "Łukasz");
    assert_string_equal(p->preferred_first, "Luke");
    assert_int_equal(p->flags, LD_FLAG_CP | LD_FLAG_PP);
    assert_int_equal(p->card.len, 7);
    assert_int_equal(r.pupils[2].flags, LD_FLAG_PP | LD_FLAG_SEN);
    assert_string_equal(r.pupils[2].legal_first, "Siobhán");
    assert_string_equal(r.pupils[2].legal_last, "O'Neill");
    assert_int_equal(r.pupils[2].card.len, 0);
    assert_string_equal(r.pupils[3].legal_last, "Nguyễn");
    assert_string_equal(r.pupils[3].legal_first, "Thị Lan");
    assert_string_equal(r.pupils[4].family, r.pupils[0].family); /* siblings */
    assert_int_equal(r.pupils[4].line, 6);

    ld_roster_free(&r);
    assert_null(r.pupils);
    assert_int_equal(r.count, 0);
    ld_roster_free(&r);
    ld_roster_free(NULL);
    ld_roster_warnings_free(&w);
    ld_roster_warnings_free(NULL);
}

static void bom_and_crlf(void **state)
{
    struct ld_roster r;
    ld_err err = ld_roster_parse_csv(FIXTURES "/roster_bom_crlf.csv", &r, NULL, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.pupils[0].upn, "F938212025006"); /* the BOM is not part of the UPN */
    assert_string_equal(r.pupils[0].preferred_first, "Millie");
    assert_int_equal(r.pupils[0].flags, LD_FLAG_LAC | LD_FLAG_SEN);
    assert_string_equal(r.pupils[1].card.len ? "card" : "none", "none");
    assert_string_equal(r.pupils[1].family, "F0202"); /* no \r left at the end of a row */
    assert_int_equal(r.pupils[1].line, 3);
    ld_roster_free(&r);
}

/* Every header spelling, written three ways, gives the same field. */
static void every_header_spelling(void **state)
{
    static const char *const spellings[][7] = {
        {"UPN", "Unique Pupil Number", NULL},
        {"Legal Forename", "Forename", "First Name", "Legal First Name", NULL},
        {"Legal Surname", "Surname", "Last Name", NULL},
        {"Preferred Forename", "Preferred First Name", "Known As", NULL},
        {"Preferred Surname", NULL},
        {"Year", "Year Group", "NC Year", NULL},
        {"Reg Group", "Registration Group", "Class", "Form", NULL},
        {"Family", "Family ID", NULL},
        {"Flags", "Vulnerability", NULL},
        {"Card", "Card UID", "Card Number", NULL},
    };
    static const char *const values[] = {
        "K938212025001", "Zoë", "Ashworth", "Zo", "Ash", "4", "4A", "F0101", "CP;PP", "04A2B3C4"};
    for (size_t f = 0; f < 10; f++) {
        for (size_t s = 0; spellings[f][s]; s++) {
            for (int form = 0; form < 3; form++) {
                /* As written; upper case with '_' for blanks; lower case with no blanks. */
                char spelt[64];
                size_t o = 0;
                for (const char *c = spellings[f][s]; *c; c++) {
                    char ch = *c;
                    if (form == 1)
                        ch = ch == ' ' ? '_' : (ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
                    else if (form == 2 && ch == ' ')
                        continue;
                    else if (form == 2 && ch >= 'A' && ch <= 'Z')
                        ch += 32;
                    spelt[o++] = ch;
                }
                spelt[o] = '\0';
                char csv[1024];
                int n = 0;
                for (size_t k = 0; k < 10; k++)
                    n += snprintf(csv + n, sizeof csv - (size_t)n, "%s%s", k ? "," : "",
                                  k == f ? spelt : spellings[k][0]);
                n += snprintf(csv + n, sizeof csv - (size_t)n, ",Notes\n");
                for (size_t k = 0; k < 10; k++)
                    n += snprintf(csv + n, sizeof csv - (size_t)n, "%s%s", k ? "," : "", values[k]);
                snprintf(csv + n, sizeof csv - (size_t)n, ",ignored\n");
                struct ld_roster r;
                expect_ok(csv, &r, NULL);
                assert_int_equal(r.count, 1);
                const struct ld_roster_pupil *p = &r.pupils[0];
                assert_string_equal(p->upn, values[0]);
                assert_string_equal(p->legal_first, values[1]);
                assert_string_equal(p->legal_last, values[2]);
                assert_string_equal(p->preferred_first, values[3]);
                assert_string_equal(p->preferred_last, values[4]);
                assert_string_equal(p->year, values[5]);
                assert_string_equal(p->class_name, values[6]);
                assert_string_equal(p->family, values[7]);
                assert_int_equal(p->flags, LD_FLAG_CP | LD_FLAG_PP);
                assert_int_equal(p->card.len, 4);
                ld_roster_free(&r);
            }
        }
    }
}

static void arbor_and_bromcom_orders(void **state)
{
    struct ld_roster r;
    /* Columns in any order, unknown ones anywhere. */
    expect_ok("Registration Group,Date of Birth,Last Name,First Name,Unique Pupil Number\n"
              "3B,2018-05-01,Rahman,Yusuf,K938212025001\n",
              &r, NULL);
    assert_string_equal(r.pupils[0].class_name, "3B");
    assert_string_equal(r.pupils[0].legal_first, "Yusuf");
    assert_string_equal(r.pupils[0].year, "");
    assert_string_equal(r.pupils[0].family, "");
    ld_roster_free(&r);
    expect_ok("upn,legal_forename,legal_surname,nc_year,form,family_id\n"
              "K938212025001,Ella,Kowalczyk,5,5A,77\n",
              &r, NULL);
    assert_string_equal(r.pupils[0].year, "5");
    assert_string_equal(r.pupils[0].family, "77");
    ld_roster_free(&r);
}

/* Reads a fixture that must parse with no warnings. */
static void parse_fixture(const char *name, struct ld_roster *r)
{
    char path[256];
    struct ld_roster_warnings w = {0};
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    ld_err err = ld_roster_parse_csv(path, r, &w, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_int_equal(w.count, 0);
    ld_roster_warnings_free(&w);
}

/* The card a keyboard-wedge reader makes of the digits it types, in its automatic format. */
static void expect_wedge_card(const struct ld_roster_pupil *p, const char *typed)
{
    struct ld_uid uid;
    char hex[LD_UID_HEXLEN], want[LD_UID_HEXLEN];
    assert_int_equal(ld_wedge_number_to_uid(typed, LD_WEDGE_AUTO, &uid, msg, sizeof msg), LD_OK);
    ld_uid_format(&uid, want);
    ld_uid_format(&p->card, hex);
    assert_string_equal(hex, want);
    assert_true(ld_uid_equal(&uid, &p->card));
}

/* Issue 12: real exports of SIMS, Arbor and Bromcom, with the names and columns they have. */
static void sims_arbor_bromcom_exports(void **state)
{
    struct ld_roster r;
    parse_fixture("mis_sims.csv", &r); /* BOM, CRLF, Legal Forename beside Forename */
    assert_int_equal(r.count, 4);
    assert_string_equal(r.pupils[0].legal_first, "Arman");
    assert_string_equal(r.pupils[0].year, "R");
    assert_string_equal(r.pupils[0].class_name, "Reception - Robin Class");
    assert_string_equal(r.pupils[1].preferred_first, "Chi"); /* Forename: the day-to-day name */
    assert_string_equal(r.pupils[1].legal_first, "Chidinma");
    assert_string_equal(r.pupils[1].year, "N");
    assert_string_equal(r.pupils[2].legal_last, "\u062e\u0648\u0634\u200c\u0646\u0648\u06cc\u0633");
    assert_string_equal(r.pupils[2].year, "3");
    assert_string_equal(r.pupils[3].year, "6");
    assert_string_equal(r.pupils[3].class_name, "Year 6 - Sycamore Class");
    assert_int_equal(r.pupils[3].card.len, 0);
    expect_wedge_card(&r.pupils[0], "0012345678");
    expect_wedge_card(&r.pupils[1], "3735928559");
    char hex[LD_UID_HEXLEN];
    ld_uid_format(&r.pupils[1].card, hex);
    assert_string_equal(hex, "DEADBEEF"); /* 3735928559 */
    ld_roster_free(&r);

    parse_fixture("mis_arbor.csv", &r); /* First Name and Legal First Name; Registration Form */
    assert_int_equal(r.count, 3);
    assert_string_equal(r.pupils[0].legal_first, "\u0645\u0647\u0631\u200c\u0622\u0633\u0627");
    assert_string_equal(r.pupils[0].year, "R");
    assert_string_equal(r.pupils[1].legal_first, "Edward");
    assert_string_equal(r.pupils[1].preferred_first, "Teddy");
    assert_string_equal(r.pupils[1].year, "2");
    assert_string_equal(r.pupils[1].class_name, "Year 2 - Kingfisher Class");
    ld_uid_format(&r.pupils[1].card, hex);
    assert_string_equal(hex, "04DEADBEEF0102"); /* Card UID: hex, as an NFC reader sees it */
    assert_string_equal(r.pupils[2].year, "N");
    ld_roster_free(&r);

    parse_fixture("mis_bromcom.csv", &r); /* Preferred Name; decimal Card Number */
    assert_int_equal(r.count, 3);
    assert_string_equal(r.pupils[0].preferred_first, "Pari");
    assert_string_equal(r.pupils[0].legal_first, "Parisa");
    assert_string_equal(r.pupils[1].preferred_first, "Seun");
    assert_string_equal(r.pupils[1].preferred_last, "Adebayo");
    assert_string_equal(r.pupils[2].year, "R");
    expect_wedge_card(&r.pupils[0], "0012345679");
    expect_wedge_card(&r.pupils[1], "2882400018");
    expect_wedge_card(&r.pupils[2], "0001000000");
    ld_roster_free(&r);

    /* A "Card Number" that is not a number of 80 bits at most is refused, naming it. */
    expect_error("UPN,Forename,Surname,Reg Group,Card Number\n"
                 "K938212025001,Zoe,Ashworth,4A,99999999999999999999999999\n",
                 LD_ERR_INVALID,
                 "roster.csv:2: column 5 (Card Number): not a card number (decimal, at most 80 "
                 "bits): \"99999999999999999999999999\"");
    /* A plain first-name column given twice is still refused. */
    expect_error("UPN,First Name,Forename,Surname,Class\n", LD_ERR_INVALID,
                 "roster.csv:1: header: column 3 (Forename) gives the legal first name, which "
                 "column 2 (First Name) gives already");
    /* A real preferred column wins over the plain one standing in for it. */
    expect_ok("UPN,First Name,Legal First Name,Known As,Surname,Class\n"
              "K938212025001,Teddy,Edward,Ted,Achterberg,2K\n",
              &r, NULL);
    assert_string_equal(r.pupils[0].preferred_first, "Ted");
    assert_string_equal(r.pupils[0].legal_first, "Edward");
    ld_roster_free(&r);
}

/* Issue 12: the three exports import into a store, one after the other (with leavers). */
static void mis_exports_import(void **state)
{
    char dir[] = "/tmp/ld-mis-XXXXXX", path[64];
    struct ld_store *s = NULL;
    struct ld_import_summary sum;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/device.db", dir);
    assert_int_equal(ld_store_create(path, "door-1", NULL, &s, msg, sizeof msg), LD_OK);
    static const char *const files[] = {"mis_sims.csv", "mis_arbor.csv", "mis_bromcom.csv"};
    for (size_t i = 0; i < 3; i++) {
        struct ld_roster r;
        parse_fixture(files[i], &r);
        ld_err err = ld_store_import_roster_with(
            s, &r, &(struct ld_import_options){.leavers = true}, &sum, msg, sizeof msg);
        if (err)
            print_error("%s: %s\n", files[i], msg);
        assert_int_equal(err, LD_OK);
        assert_int_equal(sum.added, r.count);
        ld_roster_free(&r);
    }
    struct ld_pupil p;
    struct ld_uid uid;
    assert_int_equal(ld_wedge_number_to_uid("2882400018", LD_WEDGE_AUTO, &uid, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_store_pupil_by_card(s, &uid, &p, msg, sizeof msg), LD_OK);
    assert_string_equal(p.preferred_first, "Seun");
    assert_string_equal(p.class_name, "Year 4 - Chestnut Class");
    ld_store_close(s);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void quoted_cells(void **state)
{
    struct ld_roster r;
    expect_ok("UPN,Forename,Surname,Reg Group,Notes,Flags\n"
              "K938212025001,\"Mary, Jane\",\"Smith \"\"Jr\"\"\",4A,\"Walks home.\nCollected "
              "by gran\nTuesdays\",\"CP, PP\"\n"
              "Z938212025002,  Bob  ,\"  Lee  \",4A,,\n",
              &r, NULL);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.pupils[0].legal_first, "Mary, Jane");
    assert_string_equal(r.pupils[0].legal_last, "Smith \"Jr\"");
    assert_int_equal(r.pupils[0].flags, LD_FLAG_CP | LD_FLAG_PP);
    /* A row that spans lines is counted from where it starts; the next one knows its line. */
    assert_int_equal(r.pupils[0].line, 2);
    assert_int_equal(r.pupils[1].line, 5);
    assert_string_equal(r.pupils[1].legal_first, "Bob");
    assert_string_equal(r.pupils[1].legal_last, "Lee");
    ld_roster_free(&r);

    /* A line break inside a cell we keep is refused: a name is one line. */
    expect_error("UPN,Forename,Surname,Reg Group\nK938212025001,\"Mary\nJane\",Smith,4A\n",
                 LD_ERR_INVALID,
                 "roster.csv:2: column 2 (Forename): contains a control character: "
                 "\"Mary\\nJane\"");
}

static void blank_rows_are_skipped(void **state)
{
    struct ld_roster r;
    expect_ok("\n\nUPN,Forename,Surname,Reg Group\n\nK938212025001,A,B,1A\n,,,\n  \n"
              "Z938212025002,C,D,1A\n,,,\n",
              &r, NULL);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.pupils[0].line, 5);
    assert_int_equal(r.pupils[1].line, 8);
    ld_roster_free(&r);
    /* Old Mac line ends count as lines too. */
    expect_error("UPN,Forename,Surname,Reg Group\rK938212025001,A,B,1A\rbad,A,B,1A\r",
                 LD_ERR_INVALID,
                 "roster.csv:3: column 1 (UPN): not a UPN (a letter and 12 digits, or 11 "
                 "digits and a letter): \"bad\"");
}

static void wrong_or_missing_header(void **state)
{
    expect_error("K938212025001,Zoë,Ashworth,4A\n", LD_ERR_INVALID,
                 "roster.csv:1: the first row must be a header naming the columns: UPN, "
                 "Forename, Surname, Reg Group, ...");
    expect_error("UPN,Forename,Surname,Year\nK938212025001,Zoë,Ashworth,4\n", LD_ERR_INVALID,
                 "roster.csv:1: header: no registration group column (a header such as \"Reg "
                 "Group\", \"Registration Group\", \"Class\" or \"Form\")");
    expect_error("Pupil,Forename,Surname,Class\n", LD_ERR_INVALID,
                 "roster.csv:1: header: no UPN column (a header such as \"UPN\" or \"Unique "
                 "Pupil Number\")");
    expect_error("UPN,Forename,First Name,Surname,Class\n", LD_ERR_INVALID,
                 "roster.csv:1: header: column 3 (First Name) gives the legal first name, "
                 "which column 2 (Forename) gives already");
    expect_error("", LD_ERR_INVALID, "roster.csv: empty: no header row");
    expect_error("\xEF\xBB\xBF\r\n\r\n", LD_ERR_INVALID, "roster.csv: empty: no header row");
    expect_error(HEADER, LD_ERR_INVALID,
                 "roster.csv: no pupils: the file has a header and no rows");
    expect_error_n("\xFF\xFEU\0P\0N\0", 8, LD_ERR_INVALID,
                   "roster.csv: is UTF-16 text (little-endian), not UTF-8: in Excel use Save As "
                   "\"CSV UTF-8 (Comma delimited)\", or convert it with: iconv -f UTF-16 -t "
                   "UTF-8 FILE > FILE-utf8.csv");
}

static void bad_utf8(void **state)
{
    expect_error(HEADER "K938212025001,Zoë,Ashworth,4A\nZ938212025002,Zo\xEB,Ashworth,4A\n",
                 LD_ERR_INVALID, "roster.csv:3: column 2 (Forename): not valid UTF-8");
    expect_error(HEADER "K938212025001,Zoe,Ash\xC0\xAFworth,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 3 (Surname): not valid UTF-8"); /* overlong */
    expect_error(HEADER "K938212025001,Zoe,\xED\xA0\x80,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 3 (Surname): not valid UTF-8"); /* surrogate */
    expect_error(HEADER "K938212025001,Zoe,Ashworth,4\xE2\x82\n", LD_ERR_INVALID,
                 "roster.csv:2: column 4 (Reg Group): not valid UTF-8"); /* truncated */
    expect_error(HEADER "K938212025001,Zoe,\xE2\x80\xAEhtrowhsA,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 3 (Surname): contains a control character: "
                 "\"\\u202EhtrowhsA\"");
    /* Cells we do not keep are not ours to judge. */
    struct ld_roster r;
    expect_ok("UPN,Forename,Surname,Reg Group,Notes\nK938212025001,Zoe,Ash,4A,caf\xE9\n", &r, NULL);
    ld_roster_free(&r);
    /* A NUL byte in a cell of a buffer. */
    static const char nul[] = HEADER "K938212025001,Zo\0e,Ash,4A\n";
    expect_error_n(nul, sizeof nul - 1, LD_ERR_INVALID,
                   "roster.csv:2: column 2 (Forename): contains a control character: "
                   "\"Zo\\x00e\"");
}

static void duplicates(void **state)
{
    expect_error("UPN,Forename,Surname,Reg Group,Card UID\n"
                 "K938212025001,Zoë,Ashworth,4A,04A2B3C4\n"
                 "Z938212025002,Oliver,Ashworth,1A,\n"
                 "N938212025003,Amara,Okafor,2B,04:a2:b3:c4\n",
                 LD_ERR_DUPLICATE,
                 "roster.csv:4: column 5 (Card UID): card 04A2B3C4 is also given to the pupil on "
                 "line 2");
    expect_error(HEADER "K938212025001,Zoë,Ashworth,4A\nZ938212025002,Oliver,Ashworth,1A\n"
                        "k938212025001,Zoe,Ashworth,4A\n",
                 LD_ERR_DUPLICATE,
                 "roster.csv:4: column 1 (UPN): K938212025001 is also the UPN of the pupil on "
                 "line 2");
    /* No card is not a shared card. */
    struct ld_roster r;
    expect_ok("UPN,Forename,Surname,Reg Group,Card\nK938212025001,A,B,1A,\n"
              "Z938212025002,C,D,1A,\n",
              &r, NULL);
    ld_roster_free(&r);
}

static void over_long_cells(void **state)
{
    char csv[8192], name[LD_NAME_MAX + 2];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(csv, sizeof csv, HEADER "K938212025001,%s,Ashworth,4A\n", name);
    expect_error(csv, LD_ERR_RANGE, "roster.csv:2: column 2 (Forename): longer than 64 bytes");
    name[LD_NAME_MAX] = '\0'; /* exactly 64 bytes fits */
    snprintf(csv, sizeof csv, HEADER "K938212025001,%s,Ashworth,4A\n", name);
    struct ld_roster r;
    expect_ok(csv, &r, NULL);
    assert_int_equal(strlen(r.pupils[0].legal_first), LD_NAME_MAX);
    ld_roster_free(&r);
    /* 32 two-byte letters are 64 bytes: fine. 33 are not. */
    char zz[80] = "";
    for (int i = 0; i < 33; i++)
        strcat(zz, "ë");
    snprintf(csv, sizeof csv, HEADER "K938212025001,%s,Ashworth,4A\n", zz);
    expect_error(csv, LD_ERR_RANGE, "roster.csv:2: column 2 (Forename): longer than 64 bytes");

    expect_error(HEADER "K938212025001,Zoe,Ashworth,Reception Class A - Mrs Featherstonehaugh\n",
                 LD_ERR_RANGE, "roster.csv:2: column 4 (Reg Group): longer than 40 bytes");
    expect_error("UPN,Forename,Surname,Reg Group,Year\nK938212025001,Zoe,Ash,4A,Year Four\n",
                 LD_ERR_RANGE, "roster.csv:2: column 5 (Year): longer than 8 bytes");
    /* A cell far over every cap. */
    char big[300];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    snprintf(csv, sizeof csv, "UPN,Forename,Surname,Reg Group,Family\nK938212025001,Z,A,4A,%s\n",
             big);
    expect_error(csv, LD_ERR_RANGE, "roster.csv:2: column 5 (Family): longer than 32 bytes");
    /* A row over 4 KiB, in a column we would ignore. */
    char *huge = malloc(LD_ROSTER_ROW_MAX + 200);
    assert_non_null(huge);
    int n = sprintf(huge, "UPN,Forename,Surname,Reg Group,Notes\nK938212025001,Z,A,4A,");
    memset(huge + n, 'n', LD_ROSTER_ROW_MAX);
    strcpy(huge + n + LD_ROSTER_ROW_MAX, "\n");
    expect_error(huge, LD_ERR_RANGE, "roster.csv:2: row longer than 4096 bytes");
    /* Exactly 4096 bytes and its CRLF are fine. */
    int row = (int)strlen("K938212025001,Z,A,4A,");
    memset(huge + n, 'n', LD_ROSTER_ROW_MAX - (size_t)row);
    strcpy(huge + n + LD_ROSTER_ROW_MAX - row, "\r\n");
    expect_ok(huge, &r, NULL);
    ld_roster_free(&r);
    free(huge);
}

static char *generated(size_t rows, size_t bad_row, const char *bad_surname)
{
    size_t cap = (rows + 2) * 96;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t n = (size_t)snprintf(csv, cap, "UPN,Legal Forename,Legal Surname,Year,Class,Card\n");
    for (size_t i = 1; i <= rows; i++) {
        char upn[LD_UPN_LEN + 1];
        n += (size_t)snprintf(csv + n, cap - n, "%s,Pupil,%s,%zu,%zuA,%08zX\n",
                              upn_n((unsigned)i, upn), i == bad_row ? bad_surname : "Okafor",
                              i % 6 + 1, i % 6 + 1, 0x04000000 + i);
    }
    return csv;
}

static void bad_row_in_2000(void **state)
{
    /* Line 1207 is the 1206th pupil. */
    char *csv = generated(2000, 1206, "Nowa\xC5");
    expect_error(csv, LD_ERR_INVALID, "roster.csv:1207: column 3 (Legal Surname): not valid UTF-8");
    free(csv);
    csv = generated(2000, 0, "");
    struct ld_roster r;
    struct ld_roster_warnings w;
    expect_ok(csv, &r, &w);
    assert_int_equal(r.count, 2000);
    assert_int_equal(w.count, 0);
    assert_int_equal(r.pupils[1999].line, 2001);
    assert_int_equal(r.pupils[1999].card.len, 4);
    ld_roster_free(&r);
    ld_roster_warnings_free(&w);
    free(csv);
}

static void row_cap(void **state)
{
    char *csv = generated(LD_ROSTER_MAX_PUPILS + 1, 0, "");
    expect_error(csv, LD_ERR_RANGE, "roster.csv:20002: more than 20000 pupils");
    free(csv);
}

static void file_cap(void **state)
{
    size_t n = (size_t)LD_ROSTER_FILE_MAX + 1;
    char *csv = malloc(n);
    assert_non_null(csv);
    memset(csv, '\n', n);
    expect_error_n(csv, n, LD_ERR_RANGE, "roster.csv: larger than 33554432 bytes: not a roster");
    free(csv);
}

static void upn_checks(void **state)
{
    struct ld_roster r;
    struct ld_roster_warnings w;
    /* A wrong check letter is a warning: the MIS holds what the DfE issued. */
    expect_ok(HEADER "K938212025001,A,B,1A\nA938212025002,C,D,1A\nw93821202500a,E,F,1A\n", &r, &w);
    assert_int_equal(r.count, 3);
    assert_string_equal(r.pupils[1].upn, "A938212025002");
    assert_string_equal(r.pupils[2].upn, "W93821202500A"); /* temporary, upper-cased */
    assert_int_equal(w.count, 1);
    assert_int_equal(w.dropped, 0);
    assert_int_equal(w.items[0].line, 3);
    assert_string_equal(w.items[0].text, "roster.csv:3: column 1 (UPN): A938212025002: the check "
                                         "letter should be Z, not A");
    ld_roster_free(&r);
    ld_roster_warnings_free(&w);
    assert_null(w.items);

    /* Malformed UPNs are errors. */
    expect_error(HEADER "K93821202500,A,B,1A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 1 (UPN): not a UPN (a letter and 12 digits, or 11 digits "
                 "and a letter): \"K93821202500\"");
    expect_error(HEADER "K93821202500O,A,B,1A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 1 (UPN): not a UPN (a letter and 12 digits, or 11 digits "
                 "and a letter): \"K93821202500O\"");
    expect_error(HEADER ",A,B,1A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 1 (UPN): empty, and a pupil needs one");

    /* Past the cap, warnings are counted, not kept. */
    size_t rows = LD_ROSTER_MAX_WARNINGS + 5;
    char *csv = generated(rows, 0, "");
    for (char *p = csv; (p = strchr(p, '\n')) != NULL && p[1];) {
        p++;
        *p = *p == 'A' ? 'B' : 'A'; /* spoil every check letter */
    }
    expect_ok(csv, &r, &w);
    assert_int_equal(r.count, rows);
    assert_int_equal(w.count, LD_ROSTER_MAX_WARNINGS);
    assert_int_equal(w.dropped, 5);
    ld_roster_free(&r);
    ld_roster_warnings_free(&w);
    free(csv);
}

static void required_and_cells(void **state)
{
    struct ld_roster r;
    expect_error(HEADER "K938212025001,,Ashworth,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 2 (Forename): empty, and a pupil needs one");
    expect_error(HEADER "K938212025001,Zoe,   ,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: column 3 (Surname): empty, and a pupil needs one");
    expect_error(HEADER "K938212025001,Zoe,Ashworth,\n", LD_ERR_INVALID,
                 "roster.csv:2: column 4 (Reg Group): empty, and a pupil needs one");
    expect_error(HEADER "K938212025001,Smith, Jr,Ashworth,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: the row has 5 cells and the header 4: is a comma in a value "
                 "not quoted?");
    expect_error(HEADER "K938212025001,Zoe,Ashworth\n", LD_ERR_INVALID,
                 "roster.csv:2: the row has 3 cells and the header 4: is a comma in a value not "
                 "quoted?");
    /* The first bad cell of a row, left to right, is the one named. */
    expect_error(HEADER "bad,,,\n", LD_ERR_INVALID,
                 "roster.csv:2: column 1 (UPN): not a UPN (a letter and 12 digits, or 11 digits "
                 "and a letter): \"bad\"");

    expect_ok("UPN,Forename,Surname,Reg Group,Flags\nK938212025001,A,B,1A,cp sen\n"
              "Z938212025002,A,B,1A,\"LAC;CIN,SC  PP\"\n",
              &r, NULL);
    assert_int_equal(r.pupils[0].flags, LD_FLAG_CP | LD_FLAG_SEN);
    assert_int_equal(r.pupils[1].flags, LD_FLAG_LAC | LD_FLAG_CIN | LD_FLAG_SC | LD_FLAG_PP);
    ld_roster_free(&r);
    expect_error("UPN,Forename,Surname,Reg Group,Flags\nK938212025001,A,B,1A,CP;EAL\n",
                 LD_ERR_INVALID,
                 "roster.csv:2: column 5 (Flags): unknown flag \"EAL\" (known: CP, LAC, CIN, SC, "
                 "PP, SEN)");

    expect_ok("UPN,Forename,Surname,Reg Group,Card\nK938212025001,A,B,1A,04 a2 b3 c4 d5 e6 f7\n",
              &r, NULL);
    assert_int_equal(r.pupils[0].card.len, 7);
    assert_int_equal(r.pupils[0].card.bytes[6], 0xF7);
    ld_roster_free(&r);
    expect_error("UPN,Forename,Surname,Reg Group,Card\nK938212025001,A,B,1A,04A2B3C\n",
                 LD_ERR_INVALID,
                 "roster.csv:2: column 5 (Card): not a card UID (hex, 1 to 10 bytes): "
                 "\"04A2B3C\"");
    expect_error("UPN,Forename,Surname,Reg Group,Card\nK938212025001,A,B,1A,"
                 "0102030405060708090A0B\n",
                 LD_ERR_INVALID,
                 "roster.csv:2: column 5 (Card): not a card UID (hex, 1 to 10 bytes): "
                 "\"0102030405060708090A0B\"");
}

static void bad_quoting(void **state)
{
    expect_error(HEADER "K938212025001,Robert \"Bob\",Smith,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: bad quoting: a '\"' inside an unquoted cell, or text after a "
                 "closing quote");
    expect_error(HEADER "K938212025001,\"Bob\"by,Smith,4A\n", LD_ERR_INVALID,
                 "roster.csv:2: bad quoting: a '\"' inside an unquoted cell, or text after a "
                 "closing quote");
    expect_error(HEADER "K938212025001,Bob,Smith,4A\nZ938212025002,\"Ann,Smith,4A\n\n",
                 LD_ERR_INVALID,
                 "roster.csv:3: a quoted cell in the row starting here is never closed");
}

static void file_errors(void **state)
{
    struct ld_roster r;
    struct ld_roster_warnings w;
    assert_int_equal(ld_roster_parse_csv(FIXTURES "/none.csv", &r, &w, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_string_equal(msg, FIXTURES "/none.csv: cannot open: No such file or directory");
    assert_int_equal(ld_roster_parse_csv(FIXTURES, &r, &w, msg, sizeof msg), LD_ERR_IO);
    assert_null(r.pupils);

    char path[] = "/tmp/ld-test-roster-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char nul[] = HEADER "K938212025001,Zo\0e,Ash,4A\n";
    assert_int_equal(write(fd, nul, sizeof nul - 1), (ssize_t)(sizeof nul - 1));
    close(fd);
    assert_int_equal(ld_roster_parse_csv(path, &r, &w, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, ": contains a NUL byte: not a CSV text file"));

    /* Issue 12: UTF-16 (Excel's "Unicode Text") is named, with how to save it as UTF-8. */
    static const char utf16le[] = "\xFF\xFEU\0P\0N\0,\0";
    static const char utf16be[] = "\0U\0P\0N\0,";
    const struct {
        const char *bytes;
        size_t len;
        const char *order;
    } wide[] = {{utf16le, sizeof utf16le - 1, "little-endian"},
                {utf16le + 2, sizeof utf16le - 3, "little-endian"},
                {utf16be, sizeof utf16be - 1, "big-endian"}};
    for (size_t i = 0; i < 3; i++) {
        FILE *wf = fopen(path, "wb");
        assert_non_null(wf);
        assert_int_equal(fwrite(wide[i].bytes, 1, wide[i].len, wf), wide[i].len);
        assert_int_equal(fclose(wf), 0);
        assert_int_equal(ld_roster_parse_csv(path, &r, &w, msg, sizeof msg), LD_ERR_INVALID);
        assert_non_null(strstr(msg, "is UTF-16 text"));
        assert_non_null(strstr(msg, wide[i].order));
        assert_non_null(strstr(msg, "CSV UTF-8"));
        assert_non_null(strstr(msg, "iconv -f UTF-16 -t UTF-8"));
    }

    /* A file larger than one read still knows its lines. */
    char *csv = generated(3000, 2999, "\xFF");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(csv, f);
    assert_int_equal(fclose(f), 0);
    free(csv);
    assert_int_equal(ld_roster_parse_csv(path, &r, &w, msg, sizeof msg), LD_ERR_INVALID);
    char want[256];
    snprintf(want, sizeof want, "%s:3000: column 3 (Legal Surname): not valid UTF-8", path);
    assert_string_equal(msg, want);
    unlink(path);

    assert_int_equal(ld_roster_parse_csv_buffer(NULL, 3, "x.csv", &r, &w, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(ld_roster_parse_csv(NULL, &r, &w, msg, sizeof msg), LD_ERR_INVALID);
    /* No message buffer is fine too. */
    assert_int_equal(ld_roster_parse_csv_buffer("x", 1, NULL, &r, NULL, NULL, 0), LD_ERR_INVALID);
}

static void demo_roster(void **state)
{
    struct ld_roster r;
    struct ld_roster_warnings w;
    ld_err err =
        ld_roster_parse_csv(LD_TEST_DATA "/../assets/demo/roster.csv", &r, &w, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_int_equal(r.count, 200);
    assert_int_equal(w.count, 0);
    size_t cards = 0, flagged = 0, siblings = 0;
    for (size_t i = 0; i < r.count; i++) {
        cards += r.pupils[i].card.len > 0;
        flagged += r.pupils[i].flags != 0;
        for (size_t j = i + 1; j < r.count; j++)
            siblings += !strcmp(r.pupils[i].family, r.pupils[j].family);
    }
    assert_true(cards > 150 && cards < 200);
    assert_true(flagged > 0);
    assert_true(siblings > 10);
    ld_roster_free(&r);
    ld_roster_warnings_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sims_export),
        cmocka_unit_test(bom_and_crlf),
        cmocka_unit_test(every_header_spelling),
        cmocka_unit_test(arbor_and_bromcom_orders),
        cmocka_unit_test(quoted_cells),
        cmocka_unit_test(sims_arbor_bromcom_exports),
        cmocka_unit_test(mis_exports_import),
        cmocka_unit_test(blank_rows_are_skipped),
        cmocka_unit_test(wrong_or_missing_header),
        cmocka_unit_test(bad_utf8),
        cmocka_unit_test(duplicates),
        cmocka_unit_test(over_long_cells),
        cmocka_unit_test(bad_row_in_2000),
        cmocka_unit_test(row_cap),
        cmocka_unit_test(file_cap),
        cmocka_unit_test(upn_checks),
        cmocka_unit_test(required_and_cells),
        cmocka_unit_test(bad_quoting),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(demo_roster),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
