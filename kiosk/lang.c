/* lang.c: the English strings of the family-facing screens, and the strict catalogue reader. */
#include "lang.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const english[KS__COUNT] = {
    [KS_TAP_CARD] = "Tap your card or touch here",
    [KS_OFFICE_TODAY] = "Please sign in at the office today",
    [KS_PUNCTUAL] = "Most punctual class this week: %s",
    [KS_DATE] = "%s %u %s %u",
    [KS_MONDAY] = "Monday",
    [KS_TUESDAY] = "Tuesday",
    [KS_WEDNESDAY] = "Wednesday",
    [KS_THURSDAY] = "Thursday",
    [KS_FRIDAY] = "Friday",
    [KS_SATURDAY] = "Saturday",
    [KS_SUNDAY] = "Sunday",
    [KS_JANUARY] = "January",
    [KS_FEBRUARY] = "February",
    [KS_MARCH] = "March",
    [KS_APRIL] = "April",
    [KS_MAY] = "May",
    [KS_JUNE] = "June",
    [KS_JULY] = "July",
    [KS_AUGUST] = "August",
    [KS_SEPTEMBER] = "September",
    [KS_OCTOBER] = "October",
    [KS_NOVEMBER] = "November",
    [KS_DECEMBER] = "December",
    [KS_HELLO] = "Hello!",
    [KS_SIGNED_IN_AT] = "Signed in at %s",
    [KS_MORNING] = "Good morning! You're signed in.",
    [KS_AFTERNOON] = "Good afternoon! You're signed in.",
    [KS_GREAT_DAY] = "Have a great day.",
    [KS_GO_CLASS] = "Please go to your class.",
    [KS_GO_OFFICE] = "Please go to the office.",
    [KS_GO_OFFICE_NOW] = "Please go to the office now.",
    [KS_NEXT_WHY_CLASS] = "Next, a grown-up can tell us why. Then off to class.",
    [KS_NEXT_WHY_OFFICE] = "Next, a grown-up can tell us why. Then please go to the office.",
    [KS_THANK_YOU] = "Thank you.",
    [KS_ALREADY] = "You have already signed in today.",
    [KS_ARRIVED_AT] = "You arrived at %s. No need to tap again.",
    [KS_SCHOOL_FINISHED] = "School has finished for today.",
    [KS_ASK_OFFICE] = "No need to sign in now. A grown-up can ask at the office.",
    [KS_NO_SCHOOL] = "There's no school today.",
    [KS_NO_NEED] = "No need to sign in (%s).",
    [KS_CARRY_ON] = "Touch the screen to carry on",
    [KS_ANOTHER_CHILD] = "Sign in another child",
    [KS_NEXT_ONE] = "Next: %s",
    [KS_NEXT_MORE] = "Next: %s and %u more",
    [KS_A_NEW_CARD] = "a new card",
    [KS_UNKNOWN_CARD] = "We don't know this card yet.",
    [KS_UNKNOWN_FIND] = "Find your name to sign in. The office will add your card.",
    [KS_CARD_KEPT] = "Card ending %s was kept for the office.",
    [KS_CARRY_ON_ELSE] = "Touch elsewhere to carry on",
    [KS_FIND_MY_NAME] = "Find my name instead",
    [KS_WHY_LATE] = "Grown-ups: why is %s late today?",
    [KS_SAME_REASON] = "Grown-ups: same reason for %s too?",
    [KS_YES_REASON] = "Yes: %s",
    [KS_ANOTHER_REASON] = "No, another reason",
    [KS_SKIP] = "Skip",
    [KS_NO_REASON_IN] = "No reason given in %u s",
    [KS_BACK_TO_START] = "Back to the start in %u s",
    [KS_BACK] = "Back",
    [KS_MORE] = "More",
    [KS_BEFORE] = "Before",
    [KS_PAGE_OF] = "Page %u of %u",
    [KS_TOUCH_CLASS] = "Find your name. Touch your class",
    [KS_TOUCH_NAME] = "Class %s: touch your name",
    [KS_IS_THIS_YOU] = "Is this you?",
    [KS_TYPE_NAME] = "Touch the first letter of your name",
    [KS_NEXT_LETTER] = "Touch the next letter",
    [KS_NAMES_STARTING] = "Names starting %s: touch yours",
    [KS_LETTERS] = "Letters",
    [KS_SEARCH] = "Search by name",
    [KS_YES_SIGN_IN] = "Yes, sign me in",
    [KS_NO_GO_BACK] = "No, go back",
    [KS_CLASSES] = "Classes",
    [KS_DELETE] = "Delete",
    [KS_CLASS_OF] = "Class %s",
    [KS_NO_NAMES] = "No names start like that. Touch Letters to try again.",
    [KS_NO_PUPILS] = "There are no pupils on this kiosk yet. Please sign in at the office.",
    [KS_CHOOSE_LANGUAGE] = "Choose a language",
};

struct reason_pair {
    char *label, *text;
};

struct kiosk_lang {
    char code[KIOSK_LANG_CODE_MAX];
    char name[KIOSK_LANG_NAME_MAX];
    bool draft;
    char *text[KS__COUNT]; /* NULL: not translated */
    struct reason_pair reasons[KIOSK_LANG_REASONS_MAX];
    size_t reason_count;
};

const char *kiosk_str_english(enum kiosk_str s)
{
    return (unsigned)s < KS__COUNT && english[s] ? english[s] : "";
}

/* True when s (len bytes) is well-formed UTF-8 with no control character. */
static bool clean_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n = c < 0x80             ? 0
                   : (c & 0xE0) == 0xC0 ? 1
                   : (c & 0xF0) == 0xE0 ? 2
                   : (c & 0xF8) == 0xF0 ? 3
                                        : 9;
        if (n == 9 || (size_t)(end - p) <= n || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4))
            return false;
        if (n == 0 && (c < 0x20 || c == 0x7F))
            return false;
        for (size_t i = 1; i <= n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        /* No overlong three-byte forms, no surrogates, nothing past U+10FFFF. */
        if ((n == 2 && c == 0xE0 && p[1] < 0xA0) || (n == 2 && c == 0xED && p[1] >= 0xA0) ||
            (n == 3 && c == 0xF0 && p[1] < 0x90) || (n == 3 && c == 0xF4 && p[1] >= 0x90))
            return false;
        p += n + 1;
    }
    return true;
}

/* Writes the placeholders of fmt ("su" for "%s ... %u"; "%%" is none) to out; false for any
 * other conversion, which a translation may not bring in. */
static bool placeholders(const char *fmt, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
        if (p[1] == '%') {
            p += 2;
            continue;
        }
        if ((p[1] != 's' && p[1] != 'u') || n + 1 >= outlen)
            return false;
        out[n++] = p[1];
        p += 2;
    }
    out[n] = '\0';
    return true;
}

/* Reads a "quoted" string (with \" and \\) at *p into a new buffer; advances *p past it. */
static char *quoted(const char **p, const char *end, char *problem, size_t plen)
{
    const char *s = *p;
    if (s >= end || *s != '"') {
        snprintf(problem, plen, "expected a \"quoted\" string");
        return NULL;
    }
    char *buf = malloc((size_t)(end - s));
    if (!buf) {
        snprintf(problem, plen, "out of memory");
        return NULL;
    }
    size_t n = 0;
    for (s++; s < end && *s != '"'; s++) {
        if (*s == '\\') {
            if (s + 1 >= end || (s[1] != '"' && s[1] != '\\')) {
                snprintf(problem, plen, "only \\\" and \\\\ may follow a backslash");
                free(buf);
                return NULL;
            }
            s++;
        }
        buf[n++] = *s;
    }
    if (s >= end) {
        snprintf(problem, plen, "a string without its closing quote");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (n == 0) {
        snprintf(problem, plen, "an empty string");
        free(buf);
        return NULL;
    }
    *p = s + 1;
    return buf;
}

static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* Parses `"english" = "text"` from p; on success *a and *b are new strings. */
static bool pair(const char *p, const char *end, char **a, char **b, char *problem, size_t plen)
{
    *a = *b = NULL;
    *a = quoted(&p, end, problem, plen);
    if (!*a)
        return false;
    p = skip_blank(p, end);
    if (p >= end || *p != '=') {
        snprintf(problem, plen, "expected = after the English text");
        goto fail;
    }
    p = skip_blank(p + 1, end);
    *b = quoted(&p, end, problem, plen);
    if (!*b)
        goto fail;
    if (skip_blank(p, end) != end) {
        snprintf(problem, plen, "something after the translation's closing quote");
        goto fail;
    }
    return true;
fail:
    free(*a);
    free(*b);
    *a = *b = NULL;
    return false;
}

/* Handles one line of a catalogue: a header key, a string or a reason. */
static bool line_of(struct kiosk_lang *l, const char *p, const char *end, bool seen[3],
                    char *problem, size_t plen)
{
    char *a = NULL, *b = NULL;
    bool ok = false;
    if (*p == '"' || (end - p > 7 && !memcmp(p, "reason ", 7))) {
        bool reason = *p != '"';
        if (!pair(reason ? skip_blank(p + 7, end) : p, end, &a, &b, problem, plen))
            return false;
        if (reason) {
            for (size_t i = 0; i < l->reason_count; i++)
                if (!strcasecmp(l->reasons[i].label, a)) {
                    snprintf(problem, plen, "reason \"%s\" given twice", a);
                    goto out;
                }
            if (l->reason_count == KIOSK_LANG_REASONS_MAX) {
                snprintf(problem, plen, "more than %d reasons", KIOSK_LANG_REASONS_MAX);
                goto out;
            }
            l->reasons[l->reason_count++] = (struct reason_pair){a, b};
            return true;
        }
        size_t s = 0;
        while (s < KS__COUNT && strcmp(english[s], a))
            s++;
        char want[16], got[16];
        if (s == KS__COUNT)
            snprintf(problem, plen, "\"%s\" is not a kiosk string (changed in the code?)", a);
        else if (l->text[s])
            snprintf(problem, plen, "\"%s\" given twice", a);
        else if (!placeholders(english[s], want, sizeof want) ||
                 !placeholders(b, got, sizeof got) || strcmp(want, got))
            snprintf(problem, plen,
                     "the translation's placeholders differ from the English \"%s\" (the same %%s "
                     "and %%u, in the same order)",
                     a);
        else {
            l->text[s] = b;
            b = NULL;
            ok = true;
        }
        goto out;
    }
    /* A header line: key = value. */
    static const char *const keys[] = {"language", "name", "status"};
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (!eq) {
        snprintf(problem, plen, "expected key = value, or \"English\" = \"translation\"");
        return false;
    }
    size_t kn = (size_t)(eq - p);
    while (kn > 0 && (p[kn - 1] == ' ' || p[kn - 1] == '\t'))
        kn--;
    const char *v = skip_blank(eq + 1, end);
    size_t vn = (size_t)(end - v);
    size_t k = 0;
    while (k < 3 && (strlen(keys[k]) != kn || memcmp(keys[k], p, kn)))
        k++;
    if (k == 3) {
        snprintf(problem, plen, "unknown key \"%.*s\" (language, name, status)", (int)kn, p);
        return false;
    }
    if (seen[k]) {
        snprintf(problem, plen, "%s given twice", keys[k]);
        return false;
    }
    seen[k] = true;
    if (k == 0) {
        bool letters = vn >= 2 && vn <= 3;
        for (size_t i = 0; letters && i < vn; i++)
            letters = v[i] >= 'a' && v[i] <= 'z';
        if (!letters) {
            snprintf(problem, plen, "language: not a code of 2 or 3 small letters (\"pl\")");
            return false;
        }
        memcpy(l->code, v, vn);
        l->code[vn] = '\0';
    } else if (k == 1) {
        if (vn == 0 || vn >= sizeof l->name) {
            snprintf(problem, plen, "name: 1 to %zu bytes", sizeof l->name - 1);
            return false;
        }
        memcpy(l->name, v, vn);
        l->name[vn] = '\0';
    } else {
        bool draft = vn == 5 && !memcmp(v, "draft", 5);
        if (!draft && !(vn == 8 && !memcmp(v, "reviewed", 8))) {
            snprintf(problem, plen, "status: draft or reviewed");
            return false;
        }
        l->draft = draft;
    }
    return true;
out:
    free(a);
    free(b);
    return ok;
}

static void errf(char *msg, size_t msglen, const char *name, unsigned line, const char *problem)
{
    if (line)
        snprintf(msg, msglen, "%s:%u: %s", name, line, problem);
    else
        snprintf(msg, msglen, "%s: %s", name, problem);
}

ld_err kiosk_lang_parse(const char *text, size_t len, const char *name, struct kiosk_lang **out,
                        char *msg, size_t msglen)
{
    char problem[256];
    ld_err err = LD_OK;
    unsigned line = 0;
    bool seen[3] = {false, false, false};
    *out = NULL;
    struct kiosk_lang *l = calloc(1, sizeof *l);
    if (!l) {
        errf(msg, msglen, name, 0, "out of memory");
        return LD_ERR_NOMEM;
    }
    if (len > KIOSK_LANG_FILE_MAX) {
        snprintf(problem, sizeof problem, "longer than %d bytes", KIOSK_LANG_FILE_MAX);
        err = LD_ERR_RANGE;
        goto out;
    }
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) { /* a BOM, as some editors write */
        text += 3;
        len -= 3;
    }
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        if (e > p && e[-1] == '\r')
            e--;
        if ((size_t)(e - p) > KIOSK_LANG_LINE_MAX) {
            snprintf(problem, sizeof problem, "a line longer than %d bytes", KIOSK_LANG_LINE_MAX);
            err = LD_ERR_RANGE;
            goto out;
        }
        if (!clean_utf8(p, (size_t)(e - p))) {
            snprintf(problem, sizeof problem, "not UTF-8 text, or a control character");
            err = LD_ERR_INVALID;
            goto out;
        }
        const char *s = skip_blank(p, e);
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (s < t && *s != '#' && !line_of(l, s, t, seen, problem, sizeof problem)) {
            err = LD_ERR_INVALID;
            goto out;
        }
        p = nl ? nl + 1 : end;
    }
    line = 0;
    for (size_t k = 0; k < 3 && !err; k++)
        if (!seen[k]) {
            static const char *const keys[] = {"language", "name", "status"};
            snprintf(problem, sizeof problem, "no %s line", keys[k]);
            err = LD_ERR_INVALID;
        }
out:
    if (err) {
        errf(msg, msglen, name, line, problem);
        kiosk_lang_free(l);
    } else {
        *out = l;
    }
    return err;
}

ld_err kiosk_lang_load(const char *assets_dir, const char *code, struct kiosk_lang **out, char *msg,
                       size_t msglen)
{
    char path[1024];
    ld_err err = LD_OK;
    char *buf = NULL;
    *out = NULL;
    snprintf(path, sizeof path, "%s/lang/%s.txt", assets_dir, code);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO;
    }
    buf = malloc(KIOSK_LANG_FILE_MAX + 2);
    if (!buf) {
        snprintf(msg, msglen, "%s: out of memory", path);
        err = LD_ERR_NOMEM;
        goto out;
    }
    size_t n = fread(buf, 1, KIOSK_LANG_FILE_MAX + 1, f);
    if (ferror(f)) {
        snprintf(msg, msglen, "%s: could not be read", path);
        err = LD_ERR_IO;
        goto out;
    }
    if (memchr(buf, '\0', n)) {
        snprintf(msg, msglen, "%s: holds a NUL byte", path);
        err = LD_ERR_INVALID;
        goto out;
    }
    err = kiosk_lang_parse(buf, n, path, out, msg, msglen);
    if (!err && strcmp((*out)->code, code)) {
        snprintf(msg, msglen, "%s: its language is \"%s\", not \"%s\"", path, (*out)->code, code);
        kiosk_lang_free(*out);
        *out = NULL;
        err = LD_ERR_INVALID;
    }
out:
    free(buf);
    fclose(f);
    return err;
}

void kiosk_lang_free(struct kiosk_lang *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < KS__COUNT; i++)
        free(l->text[i]);
    for (size_t i = 0; i < l->reason_count; i++) {
        free(l->reasons[i].label);
        free(l->reasons[i].text);
    }
    free(l);
}

const char *kiosk_lang_code(const struct kiosk_lang *l)
{
    return l ? l->code : "en";
}

const char *kiosk_lang_name(const struct kiosk_lang *l)
{
    return l ? l->name : "English";
}

bool kiosk_lang_draft(const struct kiosk_lang *l)
{
    return l && l->draft;
}

bool kiosk_lang_has(const struct kiosk_lang *l, enum kiosk_str s)
{
    return l && (unsigned)s < KS__COUNT && l->text[s];
}

const char *kiosk_lang_get(const struct kiosk_lang *l, enum kiosk_str s)
{
    return kiosk_lang_has(l, s) ? l->text[s] : kiosk_str_english(s);
}

const char *kiosk_lang_reason(const struct kiosk_lang *l, const char *label)
{
    for (size_t i = 0; l && i < l->reason_count; i++)
        if (!strcasecmp(l->reasons[i].label, label))
            return l->reasons[i].text;
    return label;
}

void kiosk_lang_format(const struct kiosk_lang *l, enum kiosk_str s, char *out, size_t outlen, ...)
{
    va_list ap;
    va_start(ap, outlen);
    kiosk_lang_vformat(l, s, out, outlen, ap);
    va_end(ap);
}

/* The format is a catalogue's, not a literal: kiosk_lang_parse let in only translations whose
 * %s and %u match the English literal's in number and order, so the arguments always fit. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void kiosk_lang_vformat(const struct kiosk_lang *l, enum kiosk_str s, char *out, size_t outlen,
                        va_list ap)
{
    vsnprintf(out, outlen, kiosk_lang_get(l, s), ap);
}
#pragma GCC diagnostic pop
