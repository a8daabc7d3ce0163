# packaging.cmake: what `cmake --install` puts where, and the Debian packages CPack makes of it.
# Included once from the top CMakeLists.txt, after every target exists. `.ci/debs.sh BUILD_DIR`
# runs cpack; docs/deploy.md installs the result.
#
# Two packages (docs/deploy.md says why):
#   latedoor        the `latedoor` command (tools, sync, reports), the service account, the
#                   store's directory, /etc/latedoor, the sync unit, the demo school
#   latedoor-kiosk  `latedoor-kiosk` (SDL2), its fonts, its unit, the readers' udev rule and
#                   the pn533 blacklist; depends on latedoor of the same version
# A sync-only or office machine takes latedoor alone, without SDL2 and its display libraries.
#
# The config, units, udev rule and blacklist go to absolute paths (/etc, /lib/systemd, /lib/udev),
# where Debian wants them whatever the prefix: `cmake --install` without DESTDIR would write into
# the running system. Use the packages, or `DESTDIR=/tmp/stage cmake --install BUILD_DIR`.
set(LD_PKG_SRC ${PROJECT_SOURCE_DIR}/packaging)
set(LD_DEB_RELEASE 1 CACHE STRING "Debian revision of the packages (the N in 0.1.0-N)")

# The commands: whatever binaries the build has.
install(TARGETS latedoor RUNTIME DESTINATION bin COMPONENT latedoor)
# The office web application goes with latedoor: an office machine or the central store's server.
install(TARGETS latedoor-office RUNTIME DESTINATION bin COMPONENT latedoor)
install(FILES ${LD_PKG_SRC}/etc/office.env DESTINATION /etc/latedoor COMPONENT latedoor)
install(FILES ${LD_PKG_SRC}/systemd/latedoor-office.service DESTINATION /lib/systemd/system
        COMPONENT latedoor)
install(TARGETS latedoor-kiosk RUNTIME DESTINATION bin COMPONENT kiosk)

# latedoor: config (conffiles: dpkg never overwrites a school's edits), the demo, docs, sync.
install(FILES ${LD_PKG_SRC}/etc/school.ini ${LD_PKG_SRC}/etc/calendar.ini
        DESTINATION /etc/latedoor COMPONENT latedoor)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/demo/ DESTINATION share/latedoor/demo
        COMPONENT latedoor)
# The letter template `latedoor report` and latedoor-office use unless given --template.
install(FILES ${PROJECT_SOURCE_DIR}/assets/report/letter.html DESTINATION share/latedoor/report
        COMPONENT latedoor)
# Every guide in docs/ (deploy, config, device, readers, central, sync, office, ...).
file(GLOB LD_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${LD_DOCS} DESTINATION share/doc/latedoor COMPONENT latedoor)
install(FILES ${LD_PKG_SRC}/systemd/latedoor-sync.service DESTINATION /lib/systemd/system
        COMPONENT latedoor)

# latedoor-kiosk: fonts (with their licence), the unit, readers.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/fonts DESTINATION share/latedoor COMPONENT kiosk)
# kiosk-lang: the family-facing screens' home languages (assets/lang/CODE.txt, drafts).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/lang DESTINATION share/latedoor COMPONENT kiosk)
install(FILES ${LD_PKG_SRC}/systemd/latedoor-kiosk.service DESTINATION /lib/systemd/system
        COMPONENT kiosk)
install(FILES ${LD_PKG_SRC}/udev/95-latedoor-readers.rules DESTINATION /lib/udev/rules.d
        COMPONENT kiosk)
install(PROGRAMS ${LD_PKG_SRC}/udev/serial-alias DESTINATION lib/latedoor COMPONENT kiosk)
install(FILES ${LD_PKG_SRC}/modprobe/latedoor-nfc-blacklist.conf DESTINATION /etc/modprobe.d
        COMPONENT kiosk)
install(FILES ${LD_PKG_SRC}/libnfc/libnfc-pn532-uart.conf ${LD_PKG_SRC}/libnfc/libnfc-acr122u.conf
        DESTINATION share/doc/latedoor-kiosk/examples COMPONENT kiosk)

# --- CPack: Debian packages -------------------------------------------------------------------
if(NOT LD_DEB_ARCH)
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE LD_DEB_ARCH
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME latedoor)
set(CPACK_PACKAGE_VENDOR "latedoor")
set(CPACK_PACKAGE_CONTACT "latedoor maintainers <latedoor@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description starts with its own summary line (CPACK_DEBIAN_<C>_DESCRIPTION).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL latedoor kiosk)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${LD_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${LD_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Depends are written out, not found by dpkg-shlibdeps, which cannot see a cross build's
# sysroot; tests/appliance/packages.sh checks them against every library the binaries load.
# The sonames are those of Debian bookworm and Raspberry Pi OS bookworm.

set(CPACK_DEBIAN_LATEDOOR_PACKAGE_NAME latedoor)
set(CPACK_DEBIAN_LATEDOOR_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_LATEDOOR_DESCRIPTION
    "late-arrival log for schools: tools, sync and reports\n\
The latedoor command: the school config, roster import, the device store, taps by hand,\n\
backups, the central store and the sync process (latedoor-sync.service); latedoor-office,\n\
the office's web application (latedoor-office.service). The kiosk itself is in\n\
latedoor-kiosk.")
set(CPACK_DEBIAN_LATEDOOR_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libsqlite3-0 (>= 3.37), libnfc6, libcjson1, libcsv3, libinih1, \
libsodium23, libuuid1, libpq5, libmicrohttpd12, libgnutls30, tzdata, adduser, \
init-system-helpers, systemd-timesyncd | time-daemon")
set(CPACK_DEBIAN_LATEDOOR_PACKAGE_RECOMMENDS "sqlite3, libnfc-bin")
set(CPACK_DEBIAN_LATEDOOR_PACKAGE_CONTROL_EXTRA
    "${LD_PKG_SRC}/debian/latedoor/postinst;${LD_PKG_SRC}/debian/latedoor/prerm;\
${LD_PKG_SRC}/debian/latedoor/postrm;${LD_PKG_SRC}/debian/latedoor/conffiles")

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME latedoor-kiosk)
set(CPACK_DEBIAN_KIOSK_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_KIOSK_DESCRIPTION
    "late-door kiosk for schools: the touch screen and card reader\n\
latedoor-kiosk, full screen on tty1 through KMSDRM (latedoor-kiosk.service, with a systemd\n\
watchdog), for a Raspberry Pi with a touch screen and a PN532 or ACR122U reader.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS
    "latedoor (= ${PROJECT_VERSION}-${LD_DEB_RELEASE}), libc6 (>= 2.34), libsdl2-2.0-0 (>= 2.26), \
libsdl2-ttf-2.0-0, libsdl2-image-2.0-0, libsystemd0, adduser, init-system-helpers, udev")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${LD_PKG_SRC}/debian/latedoor-kiosk/postinst;${LD_PKG_SRC}/debian/latedoor-kiosk/prerm;\
${LD_PKG_SRC}/debian/latedoor-kiosk/postrm;${LD_PKG_SRC}/debian/latedoor-kiosk/conffiles")

include(CPack)
