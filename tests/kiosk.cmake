# Tests of the kiosk UI (see CMakeLists.txt for ld_unit_test). Everything runs headless: SDL's
# dummy video driver and software renderer, no audio. test_kiosk_screens renders every screen
# at 800x480 and 1920x1080 and compares it with the reviewed PNGs in kiosk/golden/; run it
# with LD_UPDATE_GOLDEN=1 to write them again (then look at every one before committing).
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)

add_library(ld_kiosk_harness STATIC kiosk/harness.c kiosk/shot_png.c kiosk/avatar.c)
target_link_libraries(ld_kiosk_harness PUBLIC ld_kiosk_ui PkgConfig::PNG PkgConfig::CMOCKA)
target_include_directories(ld_kiosk_harness PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/kiosk)
target_compile_definitions(ld_kiosk_harness PRIVATE LD_TEST_DATA="${LD_TEST_DATA}"
  KIOSK_SHOT_DIR="${CMAKE_BINARY_DIR}/tests/kiosk-shots")

# Headless: SDL's dummy video driver and software renderer, no audio device.
set(LD_KIOSK_TEST_ENV "SDL_VIDEODRIVER=dummy;SDL_RENDER_DRIVER=software;SDL_AUDIODRIVER=dummy")

foreach(t names layout pinlock sound)
  ld_unit_test(NAME test_kiosk_${t} SOURCES kiosk/test_${t}.c LIBS ld_kiosk_ui LABELS kiosk
               TIMEOUT 30)
  set_tests_properties(test_kiosk_${t} PROPERTIES ENVIRONMENT "${LD_KIOSK_TEST_ENV}")
endforeach()
# The pupils' photos (kiosk/photo.c): drawn avatars, and every file a folder may hold instead.
ld_unit_test(NAME test_kiosk_photo SOURCES kiosk/test_photo.c LIBS ld_kiosk_harness LABELS kiosk
             TIMEOUT 60)
set_tests_properties(test_kiosk_photo PROPERTIES ENVIRONMENT "${LD_KIOSK_TEST_ENV}")
ld_unit_test(NAME test_kiosk_flow SOURCES kiosk/test_flow.c LIBS ld_kiosk_harness LABELS kiosk
             TIMEOUT 120)
# kiosk-lang: the language catalogues (assets/lang/), the language button, reason pictograms.
ld_unit_test(NAME test_kiosk_lang SOURCES kiosk/test_lang.c LIBS ld_kiosk_harness LABELS kiosk
             TIMEOUT 120)
ld_unit_test(NAME test_kiosk_screens SOURCES kiosk/test_screens.c LIBS ld_kiosk_harness
             LABELS kiosk TIMEOUT 600)
set_tests_properties(test_kiosk_flow test_kiosk_screens test_kiosk_lang PROPERTIES
  ENVIRONMENT "${LD_KIOSK_TEST_ENV}")

# The device backend on a real store with the demo's seeded history: about 10 s (the seed's
# fsyncs and the staff PIN's Argon2id).
ld_unit_test(NAME test_kiosk_device SOURCES kiosk/test_backend_device.c LIBS ld_kiosk_device
             LABELS kiosk TIMEOUT 300)

# The kiosk in a real X window (Xvfb, xdotool) over a real store: touch sign-in with a reason,
# staff PIN and lockout, a card on the simulated reader and on the emulated PN532. Skips (77)
# without Xvfb or xdotool, except under CI=true. About a minute.
add_test(NAME kiosk_end_to_end
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/e2e_kiosk.sh ${CMAKE_BINARY_DIR}/bin
          ${CMAKE_BINARY_DIR}/tests ${PROJECT_SOURCE_DIR})
set_tests_properties(kiosk_end_to_end PROPERTIES LABELS "kiosk;e2e" TIMEOUT 600
  SKIP_RETURN_CODE 77)

# --fullscreen on an X display with no window manager covers the display, and a touch reaches
# the button under it (Xvfb at 1024x600; xwininfo reads the window's geometry).
add_test(NAME kiosk_fullscreen
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/fullscreen.sh ${CMAKE_BINARY_DIR}/bin
          ${PROJECT_SOURCE_DIR})
set_tests_properties(kiosk_fullscreen PROPERTIES LABELS "kiosk;e2e" TIMEOUT 300
  SKIP_RETURN_CODE 77)

# `latedoor staff add|list`: staff PINs stored as Argon2id hashes, and the refusals.
add_test(NAME staff_cli
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/staff_cli.sh $<TARGET_FILE:latedoor>
          ${PROJECT_SOURCE_DIR}/assets/demo)
set_tests_properties(staff_cli PROPERTIES LABELS "kiosk;device" TIMEOUT 120)

# kiosk/demo.sh's headless path: the scripted morning writes its 16 screenshots (about 30 s).
add_test(NAME kiosk_demo_shots
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/demo_shots.sh ${CMAKE_BINARY_DIR}/bin
          ${PROJECT_SOURCE_DIR})
set_tests_properties(kiosk_demo_shots PROPERTIES LABELS kiosk TIMEOUT 300)

# A card on the simulated reader the moment the kiosk opens it is recorded (headless).
add_test(NAME kiosk_first_card
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/first_card.sh ${CMAKE_BINARY_DIR}/bin
          ${PROJECT_SOURCE_DIR})
set_tests_properties(kiosk_first_card PROPERTIES LABELS kiosk TIMEOUT 120)
