/* test_sound.c: each outcome has its own tune, and a kiosk without audio stays silent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "SDL.h"
#include "sound.h"

#define MAX (KIOSK_SOUND_RATE * 2)

static void test_tunes_are_distinct_and_audible(void **state)
{
    static int16_t a[MAX], b[MAX];
    for (int i = 0; i < KIOSK_CUE__COUNT; i++) {
        size_t na = kiosk_sound_render((enum kiosk_cue)i, a, MAX);
        assert_true(na > 0 && na < MAX);
        int peak = 0;
        for (size_t k = 0; k < na; k++)
            peak = abs(a[k]) > peak ? abs(a[k]) : peak;
        assert_true(peak > 1500);  /* heard across an office */
        assert_true(peak < 32000); /* never clipped */
        /* No click at either end: the envelope starts and ends near silence. */
        assert_true(abs(a[0]) < 200 && abs(a[na - 1]) < 400);
        for (int j = 0; j < i; j++) {
            size_t nb = kiosk_sound_render((enum kiosk_cue)j, b, MAX);
            assert_false(na == nb && memcmp(a, b, na * sizeof a[0]) == 0);
        }
    }
}

static void test_render_respects_its_buffer(void **state)
{
    int16_t small[100];
    assert_int_equal(kiosk_sound_render(KIOSK_CUE_CLOSED, small, 100), 100);
    assert_int_equal(kiosk_sound_render(KIOSK_CUE__COUNT, small, 100), 0);
}

static void test_no_device_means_silence(void **state)
{
    /* The dummy driver may or may not open; either way play must be safe. */
    struct kiosk_sound *s = kiosk_sound_silent();
    assert_non_null(s);
    kiosk_sound_play(s, KIOSK_CUE_ON_TIME);
    kiosk_sound_close(s);
    kiosk_sound_play(NULL, KIOSK_CUE_ERROR);
    kiosk_sound_close(NULL);
    setenv("SDL_AUDIODRIVER", "no-such-driver", 1);
    s = kiosk_sound_open();
    assert_non_null(s);
    kiosk_sound_play(s, KIOSK_CUE_LATE);
    kiosk_sound_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tunes_are_distinct_and_audible),
        cmocka_unit_test(test_render_respects_its_buffer),
        cmocka_unit_test(test_no_device_means_silence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
