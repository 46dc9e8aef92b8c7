# Convenience entry points; the build itself is Meson + Ninja.
#   make            build build/dev (unit tests included)
#   make test       install what is missing, run every test (unit, sanitizers, CLI, QEMU)
#   make demo       QEMU demo: boot a Debian kernel, kexec into another, time it
#   make static ARCH=x86_64   statically linked build/static-x86_64/kexec (and vmcore-dmesg)
#   make static ARCH=arm64    the same for arm64, cross-built (cross/arm64.ini)
#   make bench      kexec-ng vs kexec-tools inside one guest
ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/')
HOST_ARCH := $(shell uname -m | sed -e 's/aarch64/arm64/')
# Another architecture builds with the Meson cross file cross/$(ARCH).ini
# (scripts/setup-deps.sh installs its compiler and libraries).
CROSS := $(if $(filter-out $(HOST_ARCH),$(ARCH)),--cross-file cross/$(ARCH).ini)

.PHONY: all dev test demo static bench clean

all: dev

dev:
	@test -f build/dev/build.ninja || meson setup build/dev
	ninja -C build/dev

static:
	@if [ "$(ARCH)" != "$(HOST_ARCH)" ] && [ ! -f cross/$(ARCH).ini ]; then \
		echo "make static ARCH=$(ARCH): no cross/$(ARCH).ini; this host builds $(HOST_ARCH)" >&2; exit 1; fi
	@test -f build/static-$(ARCH)/build.ninja || \
		meson setup build/static-$(ARCH) $(CROSS) -Dstatic=true -Dtests=false --buildtype=release -Db_pie=false
	ninja -C build/static-$(ARCH) kexec vmcore-dmesg
	@file build/static-$(ARCH)/kexec build/static-$(ARCH)/vmcore-dmesg 2>/dev/null || ls -l build/static-$(ARCH)/kexec build/static-$(ARCH)/vmcore-dmesg

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

bench:
	bash scripts/bench.sh

clean:
	rm -rf build
