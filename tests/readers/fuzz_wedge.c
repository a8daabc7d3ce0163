/* fuzz_wedge.c: libFuzzer target for the keyboard-wedge decoder and card-number conversion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is a key stream: byte pairs of (key, milliseconds since the previous key), so the
 * fuzzer explores fast bursts, slow typing and everything between. The first byte picks the
 * decoder's settings. Every result must keep the decoder's promises.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct ld_wedge_config cfg = {.min_digits = data[0] & 15,
                                  .max_gap_ms = (data[0] >> 4) * 10,
                                  .format = (enum ld_wedge_format)(data[0] % 3)};
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, &cfg);
    int64_t t = 0;
    for (size_t i = 1; i + 1 < size; i += 2) {
        struct ld_uid uid = {0};
        char msg[LD_READER_MSG_MAX] = "";
        t += data[i + 1];
        enum ld_wedge_result r = ld_wedge_decoder_feed(&d, (char)data[i], t, &uid, msg, sizeof msg);
        if (d.len > LD_WEDGE_MAX_CHARS)
            abort();
        if (r == LD_WEDGE_CARD && (uid.len == 0 || uid.len > LD_UID_MAX))
            abort();
        if ((r == LD_WEDGE_BAD || r == LD_WEDGE_TYPING) && !msg[0])
            abort();
    }

    /* The raw bytes as a card number, in each format. */
    char text[LD_WEDGE_MAX_CHARS + 2];
    size_t n = size - 1 < sizeof text - 1 ? size - 1 : sizeof text - 1;
    memcpy(text, data + 1, n);
    text[n] = '\0';
    for (int f = LD_WEDGE_AUTO; f <= LD_WEDGE_DECIMAL; f++) {
        struct ld_uid uid = {0};
        char msg[LD_READER_MSG_MAX] = "";
        ld_err err = ld_wedge_number_to_uid(text, (enum ld_wedge_format)f, &uid, msg, sizeof msg);
        if (err == LD_OK && (uid.len == 0 || uid.len > LD_UID_MAX))
            abort();
        if (err != LD_OK && !msg[0])
            abort();
    }
    return 0;
}
