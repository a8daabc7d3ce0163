/* fuzz_config.c: libFuzzer target for the INI readers: the config file and the calendar file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar_file.h"
#include "config.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t size)
{
    size_t n = strnlen(s, size);
    if (n == size || !ld_utf8_valid(s, n))
        abort();
}

static void config(const char *text)
{
    struct ld_config cfg;
    char msg[512] = "";
    memset(&cfg, 0xA5, sizeof cfg);
    ld_err err = ld_config_parse_string(text, "fuzz.ini", &cfg, msg, sizeof msg);
    if (err) {
        if (!msg[0])
            abort();
        return;
    }
    const char *field, *problem;
    if (ld_sessions_check(&cfg.sessions, &field, &problem) != LD_OK || !cfg.school_name[0] ||
        !cfg.device_id[0] || cfg.reason_count == 0 || cfg.reason_count > LD_CONFIG_MAX_REASONS)
        abort();
    check_string(cfg.school_name, sizeof cfg.school_name);
    check_string(cfg.timezone, sizeof cfg.timezone);
    check_string(cfg.device_id, sizeof cfg.device_id);
    check_string(cfg.reader_connstring, sizeof cfg.reader_connstring);
    check_string(cfg.reader_path, sizeof cfg.reader_path);
    check_string(cfg.calendar_path, sizeof cfg.calendar_path);
    check_string(cfg.store_path, sizeof cfg.store_path);
    for (size_t i = 0; i < cfg.reason_count; i++) {
        check_string(cfg.reasons[i].name, sizeof cfg.reasons[i].name);
        if (ld_config_reason(&cfg, cfg.reasons[i].name) == NULL)
            abort();
    }
}

static void calendar(const char *text)
{
    struct ld_calendar_file cal;
    char msg[512] = "";
    ld_err err = ld_calendar_file_parse_string(text, "fuzz.ini", &cal, msg, sizeof msg);
    if (err) {
        if (!msg[0] || cal.terms || cal.closed)
            abort();
        return;
    }
    if (cal.term_count == 0 || cal.term_count > LD_CALFILE_MAX_TERMS ||
        cal.closed_count > LD_CALFILE_MAX_CLOSED)
        abort();
    for (size_t i = 0; i < cal.term_count; i++) {
        check_string(cal.terms[i].name, sizeof cal.terms[i].name);
        if (cal.terms[i].end < cal.terms[i].start ||
            (i > 0 && cal.terms[i].start <= cal.terms[i - 1].end))
            abort();
    }
    for (size_t i = 1; i < cal.closed_count; i++)
        if (cal.closed[i].date <= cal.closed[i - 1].date)
            abort();
    /* What the file accepts, the core accepts. */
    struct ld_calendar *core = NULL;
    if (ld_calendar_file_build(&cal, "fuzz.ini", &core, msg, sizeof msg) != LD_OK || !core)
        abort();
    ld_calendar_destroy(core);
    ld_calendar_file_free(&cal);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    config(text);
    calendar(text);
    free(text);
    return 0;
}
