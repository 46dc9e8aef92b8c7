#!/bin/bash
# The whole test suite: the README's test command is `bash scripts/test.sh`
# (`make test` runs it too). On a fresh Debian 12 machine it installs what it
# needs itself (make included), then runs:
#   1. unit + command-line tests (meson test), normal build
#   2. the same under AddressSanitizer + UBSan
#   2b. every libFuzzer harness (tests/fuzz) on its corpus and regression
#      inputs, then 30 s of fresh fuzzing each (scripts/fuzz.sh)
#   3. the static binaries (make static ARCH=x86_64, ARCH=arm64, ARCH=riscv64,
#      the latter two cross-built)
#   4. QEMU end-to-end tests: real Debian kernels, kexec between them, x86_64,
#      arm64 then riscv64 guests; kexec jump on x86_64 (tests/e2e/jump.sh:
#      a small kernel built from trixie-backports' linux-source (7.x) with
#      CONFIG_KEXEC_JUMP and CONFIG_OF, 3-5 min on 2 cores the first time,
#      then cached; also --dtb and --force-dtb);
#      then kdump on x86_64, arm64 and riscv64
#      (tests/e2e/kdump.sh: crash, capture kernel, /proc/vmcore checked with
#      readelf, makedumpfile and vmcore-dmesg); then vmcore-save's files
#      against makedumpfile's on the host, on a real guest's vmcore
#      (tests/dump/host-compare.sh)
#   5. the Debian package (scripts/build-deb.sh, lintian; amd64 for both
#      releases, arm64 cross-built), then real Debian systems
#      (debootstrap'ed bookworm and trixie amd64, trixie arm64; systemd) booted in QEMU
#      with it installed: kdump-tools, systemctl kexec, LOAD_KEXEC reboots,
#      Debian's kexec-tools as the control (tests/system/run.sh)
# and ends with one line "N passed, N failed" over every test case.
# Environment: KX_SKIP_E2E=1 skips step 4 (quick local runs; CI never sets it).
# KX_SYSTEM_ARM64=0 leaves the arm64 trixie system out of step 5 (its
# package cross-built, the system built through qemu-user, booted in
# qemu-system-aarch64).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# Seatbelt: nothing in the suite may load into this machine's own kernel.
export KEXEC_NG_FORBID_SYSCALLS=1

step() { printf '\n=== %s\n' "$*"; }
die() { echo "test.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

step "dependencies"
bash scripts/setup-deps.sh || die "installing dependencies failed"
bash scripts/fetch-kernels.sh || die "fetching the Debian test kernels failed"

# The Debian systems of step 5 (scripts/debian-systems.sh: debootstrap,
# packages, initramfs; the arm64 one through qemu-user, ~15 min of one core)
# are built in the background from here on: much of that is downloads and
# single-threaded dpkg, which fill the CPU the steps before 5 leave idle.
# Step 5 waits for them (debian-systems.sh serializes on a lock per system
# and finds them cached) and prints the build log.
SYSTEMS=(bookworm trixie)
[ "${KX_SYSTEM_ARM64:-1}" = 0 ] || SYSTEMS=(trixie-arm64 "${SYSTEMS[@]}")
systems_pid=
if [ "${KX_SKIP_E2E:-}" != 1 ]; then
  mkdir -p build
  bash scripts/debian-systems.sh "${SYSTEMS[@]}" >build/debian-systems.log 2>&1 </dev/null &
  systems_pid=$!
fi

# A golden-update run would compare every golden file with itself.
unset KX_UPDATE_GOLDEN

passed=0 failed=0 skipped=0
# Count TAP results of every meson test in a build's test log ("ok N ...
# # SKIP" counted apart: a skip is not a pass).
count_meson() {
  local counts
  counts=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, re, sys
ok = bad = skip = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = t.get("stdout", "")
    s = len(re.findall(r"^ok \d+[^\n]*#\s*SKIP", out, re.M | re.I))
    o = len(re.findall(r"^ok \d+", out, re.M)) - s
    n = len(re.findall(r"^not ok \d+", out, re.M))
    if o + n == 0:                      # crashed before any result
        n = 0 if t.get("result") == "OK" else 1
    elif t.get("result") not in ("OK", "EXPECTEDFAIL") and n == 0:
        n = 1                           # e.g. a sanitizer report after the last ok
    ok += o; bad += n; skip += s
print(ok, bad, skip)
PY
)
  local p f s
  read -r p f s <<<"$counts"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

# run_meson DIR "TEST ARGS" SETUP ARGS...
run_meson() {
  local dir=$1 test_args=$2; shift 2
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null || die "meson setup $dir failed"
  ninja -C "$dir" || die "build $dir failed"
  # shellcheck disable=SC2086
  meson test -C "$dir" --print-errorlogs --num-processes 2 $test_args
  count_meson "$dir"
}

step "unit and command-line tests"
run_meson build/dev ""
step "unit and command-line tests under ASan + UBSan"
# (not the shellcheck test, suite lint: it runs no code of ours)
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  run_meson build/asan "--no-suite qemu --no-suite lint" -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug

step "static binaries"
make static ARCH=x86_64 || die "make static ARCH=x86_64 failed"
make static ARCH=arm64 || die "make static ARCH=arm64 failed"
make static ARCH=riscv64 || die "make static ARCH=riscv64 failed"

# run_suite CMD...: a QEMU suite that ends with "N passed, N failed"; adds
# those counts (no such line: one failure).
run_suite() {
  local out last f
  out=$(mktemp)
  "$@" | tee "$out"
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  rm -f "$out"
  if [ -n "$last" ]; then
    passed=$((passed + ${last%% *}))
    f=${last#*, }; failed=$((failed + ${f%% *}))
  else
    failed=$((failed + 1))
  fi
}

# run_e2e ARCH: one architecture's end-to-end suite, two guests at a time.
run_e2e() { run_suite bash tests/e2e/run.sh --arch "$1" --kexec "build/static-$1/kexec" -j 2; }

step "libFuzzer harnesses: each corpus, then 30 s of fresh fuzzing each (scripts/fuzz.sh)"
run_suite bash scripts/fuzz.sh all 30

if [ "${KX_SKIP_E2E:-}" != 1 ]; then
  step "QEMU end-to-end (x86_64)"
  run_e2e x86_64
  step "QEMU kexec jump, --dtb and --force-dtb on x86_64 (a kernel built from trixie-backports' linux-source 7.x, cached in .cache/kernel-jump)"
  run_suite bash tests/e2e/jump.sh --kexec build/static-x86_64/kexec
  step "QEMU end-to-end (arm64)"
  run_e2e arm64
  step "QEMU end-to-end (riscv64)"
  run_e2e riscv64
  step "QEMU kdump end-to-end (x86_64, arm64, riscv64)"
  # one guest at a time: two 2-CPU TCG guests on 2 cores are no faster
  run_suite bash tests/e2e/kdump.sh
  step "vmcore-save and makedumpfile, whole files, on a real 2 GiB guest's vmcore (tests/dump/host-compare.sh)"
  run_suite bash tests/dump/host-compare.sh
fi

# deb_build NAME ENV...: one package build (scripts/build-deb.sh: the
# package's own unit tests, then lintian, where an error fails) as one test.
deb_build() {
  local name=$1 t0=$SECONDS; shift
  if env "$@" bash scripts/build-deb.sh >"build/$name.log" 2>&1; then
    echo "PASS $name ($((SECONDS - t0)) s): $(grep -c '^[WE]: ' "build/$name.log") lintian warnings, no errors"
    passed=$((passed + 1))
  else
    echo "FAIL $name ($((SECONDS - t0)) s): see build/$name.log"; tail -n 20 "build/$name.log"
    failed=$((failed + 1))
  fi
}

step "Debian package (make deb: dpkg-buildpackage, lintian)"
mkdir -p build
# bookworm's layout (/sbin, where its kexec-tools has kexec), then trixie's
# (/usr/sbin: DEP 17) for the trixie system below.
deb_build deb-bookworm KX_DEB_OUT="$top/build/deb"
deb_build deb-trixie KX_SBINDIR=/usr/sbin KX_DEB_OUT="$top/build/deb-trixie" DEB_BUILD_OPTIONS=nocheck

if [ "${KX_SYSTEM_ARM64:-1}" != 0 ]; then
  # trixie's layout (/usr/sbin), cross-built for the trixie-arm64 system.
  deb_build deb-trixie-arm64 KX_DEB_HOST_ARCH=arm64 KX_SBINDIR=/usr/sbin KX_DEB_OUT="$top/build/deb-trixie-arm64"
fi

if [ "${KX_SKIP_E2E:-}" != 1 ]; then
  step "real Debian systems in QEMU (kexec-ng's .deb, kdump-tools, systemctl kexec; kexec-tools as control): ${SYSTEMS[*]}"
  t0=$SECONDS
  wait "$systems_pid"; rc=$?
  echo "(the systems, built in the background: status $rc, waited $((SECONDS - t0)) s here)"
  grep -E '^debian-systems: ' build/debian-systems.log
  # A build that failed there is retried (and reported) by run.sh.
  run_suite bash tests/system/run.sh "${SYSTEMS[@]}"
fi
echo
[ "$skipped" = 0 ] || echo "($skipped skipped: counted neither as passed nor as failed)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
