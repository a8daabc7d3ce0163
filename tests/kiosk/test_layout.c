/* test_layout.c: touch targets of at least 9 mm, the design scale, button grids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "layout.h"
#include "ui.h"

static void test_nine_mm_on_the_seven_inch_panel(void **state)
{
    /* 800x480 on a 7-inch diagonal: 933 pixels over 7 inches, about 133 dpi. 9 mm is 47 px. */
    float dpi = kiosk_layout_dpi(133.3f);
    assert_int_equal(kiosk_layout_min_target(dpi), 48);
    assert_int_equal(kiosk_layout_min_target(133.0f), 48);
    assert_int_equal(kiosk_layout_mm_px(96.0f, 9.0f), 35);
    assert_int_equal(kiosk_layout_mm_px(25.4f, 10.0f), 10);
}

static void test_unknown_or_absurd_dpi_falls_back(void **state)
{
    assert_true(kiosk_layout_dpi(0) == KIOSK_FALLBACK_DPI);
    assert_true(kiosk_layout_dpi(-1) == KIOSK_FALLBACK_DPI);
    assert_true(kiosk_layout_dpi(12) == KIOSK_FALLBACK_DPI);
    assert_true(kiosk_layout_dpi(5000) == KIOSK_FALLBACK_DPI);
    assert_true(kiosk_layout_dpi(NAN) == KIOSK_FALLBACK_DPI);
    assert_true(kiosk_layout_dpi(96) == 96.0f);
    /* The fallback errs on the dense side: targets come out larger, never smaller. */
    assert_true(kiosk_layout_min_target(KIOSK_FALLBACK_DPI) >= kiosk_layout_min_target(96));
}

static void test_scale(void **state)
{
    assert_true(kiosk_layout_scale(800, 480) == 1.0f);
    assert_true(kiosk_layout_scale(1920, 1080) == 2.25f);
    assert_true(kiosk_layout_scale(1024, 600) == 1.25f);
    assert_true(kiosk_layout_scale(10, 10) == 0.25f);
}

static void test_grid_fits_everything_on_one_page_when_it_can(void **state)
{
    /* The 3B names grid at 800x480: 28 names, cells at least 140 x 48 in 768 x 328. */
    SDL_Rect area = {16, 70, 768, 328};
    struct kiosk_grid_spec spec = {28, 3, 6, 140, 48, 90, 8};
    struct kiosk_grid g;
    kiosk_grid_fit(area, &spec, &g);
    assert_int_equal(g.cols, 5);
    assert_int_equal(g.rows, 6);
    assert_int_equal(g.pages, 1);
    assert_true(g.cell_w >= 140 && g.cell_h >= 48);
    SDL_Rect last = kiosk_grid_cell(&g, 27);
    assert_true(last.x + last.w <= area.x + area.w);
    assert_true(last.y + last.h <= area.y + area.h);
}

static void test_grid_pages_when_it_must(void **state)
{
    SDL_Rect area = {0, 0, 768, 328};
    struct kiosk_grid_spec spec = {100, 3, 6, 140, 48, 90, 8};
    struct kiosk_grid g;
    kiosk_grid_fit(area, &spec, &g);
    assert_int_equal(g.cols, 5);
    assert_int_equal(g.per_page, 30);
    assert_int_equal(g.pages, 4);
    assert_true(g.cell_h >= 48);
}

static void test_grid_caps_height_and_centres(void **state)
{
    SDL_Rect area = {0, 100, 600, 400};
    struct kiosk_grid_spec spec = {4, 2, 3, 100, 48, 80, 10};
    struct kiosk_grid g;
    kiosk_grid_fit(area, &spec, &g);
    assert_int_equal(g.cols, 2);
    assert_int_equal(g.rows, 2);
    assert_int_equal(g.cell_h, 80);
    assert_int_equal(g.area.y, 100 + (400 - 170) / 2);
}

static void test_grid_in_a_tiny_area_still_has_a_cell(void **state)
{
    SDL_Rect area = {0, 0, 10, 10};
    struct kiosk_grid_spec spec = {3, 1, 3, 100, 48, 0, 4};
    struct kiosk_grid g;
    kiosk_grid_fit(area, &spec, &g);
    assert_true(g.per_page >= 1);
    assert_true(g.cell_w >= 100 && g.cell_h >= 48);
}

static void test_rect_has(void **state)
{
    SDL_Rect r = {10, 20, 30, 40};
    assert_true(kiosk_rect_has(r, 10, 20));
    assert_true(kiosk_rect_has(r, 39, 59));
    assert_false(kiosk_rect_has(r, 40, 59));
    assert_false(kiosk_rect_has(r, 9, 30));
}

/* The software renderer is chosen where /dev/dri has no GPU node. */
static void test_gpu_found_by_its_device_node(void **state)
{
    char dir[] = "/tmp/ld-dri-XXXXXX", node[64];
    assert_non_null(mkdtemp(dir));
    assert_false(kiosk_ui_has_gpu(dir)); /* empty: no GPU */
    snprintf(node, sizeof node, "%s/by-path", dir);
    FILE *f = fopen(node, "w");
    assert_non_null(f);
    fclose(f);
    assert_false(kiosk_ui_has_gpu(dir));
    snprintf(node, sizeof node, "%s/renderD128", dir);
    assert_non_null(f = fopen(node, "w"));
    fclose(f);
    assert_true(kiosk_ui_has_gpu(dir));
    unlink(node);
    snprintf(node, sizeof node, "%s/by-path", dir);
    unlink(node);
    rmdir(dir);
    assert_false(kiosk_ui_has_gpu(dir)); /* no such directory */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nine_mm_on_the_seven_inch_panel),
        cmocka_unit_test(test_unknown_or_absurd_dpi_falls_back),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_grid_fits_everything_on_one_page_when_it_can),
        cmocka_unit_test(test_grid_pages_when_it_must),
        cmocka_unit_test(test_grid_caps_height_and_centres),
        cmocka_unit_test(test_grid_in_a_tiny_area_still_has_a_cell),
        cmocka_unit_test(test_rect_has),
        cmocka_unit_test(test_gpu_found_by_its_device_node),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
