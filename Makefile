# Convenience entry points; the build itself is Meson + Ninja.
#   make            build build/dev (unit tests included)
#   make test       install what is missing, run every test (unit, sanitizers, CLI, QEMU)
#   make demo       QEMU demo: boot a Debian kernel, kexec into another, time it
#   make static ARCH=x86_64   statically linked build/static-x86_64/kexec
#   make bench      kexec-ng vs kexec-tools inside one guest
ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/')
HOST_ARCH := $(shell uname -m | sed -e 's/aarch64/arm64/')

.PHONY: all dev test demo static bench clean

all: dev

dev:
	@test -f build/dev/build.ninja || meson setup build/dev
	ninja -C build/dev

static:
	@if [ "$(ARCH)" != "$(HOST_ARCH)" ]; then \
		echo "make static ARCH=$(ARCH): cross builds arrive with the $(ARCH) back end; this host builds $(HOST_ARCH)" >&2; \
		exit 1; fi
	@test -f build/static-$(ARCH)/build.ninja || \
		meson setup build/static-$(ARCH) -Dstatic=true -Dtests=false --buildtype=release -Db_pie=false
	ninja -C build/static-$(ARCH) kexec
	@file build/static-$(ARCH)/kexec 2>/dev/null || ls -l build/static-$(ARCH)/kexec

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

bench:
	bash scripts/bench.sh

clean:
	rm -rf build
