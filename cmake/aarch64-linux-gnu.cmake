# aarch64-linux-gnu.cmake: cross-compile latedoor for a 64-bit Raspberry Pi (Raspberry Pi OS
# bookworm, arm64) with Debian's gcc-aarch64-linux-gnu and a sysroot of arm64 Debian packages.
#
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DLD_SYSROOT=/path/to/sysroot
#
# .ci/cross.sh makes the sysroot (docs/cross.md says how and why) and runs the build. Tests run
# under qemu-user through CMAKE_CROSSCOMPILING_EMULATOR, so `ctest` starts them as usual.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LD_TRIPLET aarch64-linux-gnu)

if(NOT LD_SYSROOT)
  set(LD_SYSROOT $ENV{LD_SYSROOT})
endif()
if(NOT LD_SYSROOT OR NOT EXISTS "${LD_SYSROOT}/usr/include")
  message(FATAL_ERROR "aarch64-linux-gnu.cmake: LD_SYSROOT must name an arm64 sysroot "
                      "(got \"${LD_SYSROOT}\"); .ci/cross.sh makes one")
endif()
# Kept for try_compile projects, which see only the variables listed here.
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LD_SYSROOT)

set(CMAKE_C_COMPILER ${LD_TRIPLET}-gcc)
set(CMAKE_SYSROOT ${LD_SYSROOT})
# The linker must find the libraries that the sysroot's shared libraries need in turn.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-Wl,-rpath-link,${LD_SYSROOT}/usr/lib/${LD_TRIPLET}:${LD_SYSROOT}/lib/${LD_TRIPLET}")

set(CMAKE_FIND_ROOT_PATH ${LD_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE ${LD_TRIPLET})

# pkg-config reads the sysroot's .pc files only, and prefixes the paths they give.
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${LD_SYSROOT})
set(ENV{PKG_CONFIG_LIBDIR}
    "${LD_SYSROOT}/usr/lib/${LD_TRIPLET}/pkgconfig:${LD_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Tests run under qemu-user with the sysroot as the root for the dynamic loader and libraries.
find_program(LD_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(LD_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${LD_QEMU_AARCH64} -L ${LD_SYSROOT})
endif()

# The Debian architecture name, for the packages (cmake/packaging.cmake).
set(LD_DEB_ARCH arm64)
