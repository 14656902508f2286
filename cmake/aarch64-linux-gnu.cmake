# Cross-build for aarch64 Linux with Debian's crossbuild-essential-arm64 and the arm64
# multiarch -dev packages (scripts/setup.sh). Binaries run under qemu-user, which CTest calls
# through CMAKE_CROSSCOMPILING_EMULATOR (scripts/arm-test.sh; docs/SDK.md, "ARM").
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Debian multiarch: the arm64 libraries live in /usr/lib/aarch64-linux-gnu (found through
# CMAKE_LIBRARY_ARCHITECTURE), header-only ones and programs come from the build machine.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
# The emulated CPU comes from QEMU_CPU (qemu-user's default is `max`: SDOT, SMMLA, SVE), so
# one build runs on several CPU models. No -L /usr/aarch64-linux-gnu: that sysroot's ld.so
# (libc6-arm64-cross) would load the multiarch libc6:arm64 from /lib/aarch64-linux-gnu, a
# different build, and threads hang; the multiarch /lib/ld-linux-aarch64.so.1 matches it.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
