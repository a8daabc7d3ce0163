/* cmd_events.c: `latedoor events [--json]`: the device's event log, as text or JSON lines. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli_device.h"
#include "commands.h"

static const char *kind_name(enum ld_event_kind k)
{
    static const char *const n[] = {"?",    "arrival",      "departure",    "return",   "reason",
                                    "void", "unknown_card", "clock_repair", "pin_wrong"};
    return (unsigned)k <= LD_EV_KIND_MAX ? n[k] : "?";
}

static const char *source_name(enum ld_source s)
{
    static const char *const n[] = {"?", "card", "touch", "staff", "cli", "office"};
    return (unsigned)s <= LD_SRC_OFFICE ? n[s] : "?";
}

struct walk {
    int json;
    const struct ld_device *dev;
};

static ld_err print_event(void *ctx, const struct ld_event *ev)
{
    const struct walk *w = ctx;
    ld_date date = 0;
    ld_minute minute = 0;
    int sec = 0;
    char local[32] = "?";
    if (!ld_clock_to_local(w->dev->tz, ev->at_ms, &date, &minute, &sec)) {
        char d[LD_DATE_STRLEN];
        ld_date_format(date, d);
        snprintf(local, sizeof local, "%sT%02d:%02d:%02d", d, minute / 60, minute % 60, sec);
    }
    if (!w->json) {
        printf("%-10s %6lld %-12s %s %-13s %-14s %-6s %s%s%s\n", ev->device_id, (long long)ev->seq,
               kind_name(ev->kind), local, ev->upn[0] ? ev->upn : "-", ev->card[0] ? ev->card : "-",
               source_name(ev->source), ev->clock ? ld_clock_state_name(ev->clock) : "",
               ev->clock ? " " : "", ev->reason);
        return ferror(stdout) ? LD_ERR_IO : LD_OK;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return LD_ERR_NOMEM;
    cJSON_AddStringToObject(o, "device", ev->device_id);
    cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
    cJSON_AddStringToObject(o, "uuid", ev->uuid);
    cJSON_AddStringToObject(o, "kind", kind_name(ev->kind));
    cJSON_AddNumberToObject(o, "at_ms", (double)ev->at_ms);
    cJSON_AddStringToObject(o, "local", local);
    cJSON_AddStringToObject(o, "clock", ld_clock_state_name(ev->clock));
    cJSON_AddNumberToObject(o, "mono_ms", (double)ev->mono_ms);
    cJSON_AddStringToObject(o, "boot_id", ev->boot_id);
    cJSON_AddStringToObject(o, "upn", ev->upn);
    cJSON_AddStringToObject(o, "card", ev->card);
    cJSON_AddStringToObject(o, "source", source_name(ev->source));
    cJSON_AddStringToObject(o, "staff", ev->staff);
    cJSON_AddStringToObject(o, "reason", ev->reason);
    if (ev->ref_seq) {
        cJSON_AddStringToObject(o, "ref_device", ev->ref_device);
        cJSON_AddNumberToObject(o, "ref_seq", (double)ev->ref_seq);
    }
    if (ev->fixed_at_ms)
        cJSON_AddNumberToObject(o, "fixed_at_ms", (double)ev->fixed_at_ms);
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!line)
        return LD_ERR_NOMEM;
    int bad = puts(line) == EOF;
    cJSON_free(line);
    return bad ? LD_ERR_IO : LD_OK;
}

int ld_cmd_events(int argc, char **argv)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    struct walk w = {.json = argc == 2 && !strcmp(argv[1], "--json")};
    if (bad || argc > 2 || (argc == 2 && !w.json)) {
        fprintf(stderr, "usage: latedoor events [--json] [--config FILE]\n");
        return LD_EXIT_USAGE;
    }
    struct ld_device dev;
    struct ld_store *store;
    int rc = ld_cli_open(config, &dev, &store);
    if (rc)
        return rc;
    w.dev = &dev;
    char msg[512] = "";
    ld_err err = ld_store_events_foreach(store, NULL, print_event, &w, msg, sizeof msg);
    if (!err && fflush(stdout))
        err = LD_ERR_IO;
    if (err)
        fprintf(stderr, "latedoor events: %s\n", msg[0] ? msg : ld_err_str(err));
    ld_cli_close(&dev, store);
    return ld_cli_status(err);
}
