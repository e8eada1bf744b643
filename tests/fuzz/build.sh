#!/bin/sh
# Builds the libFuzzer targets for `make fuzz` (tests/fuzz/fuzz.mk passes
# the settings in the environment). The library sources are compiled again
# with clang and -fsanitize=fuzzer-no-link,address,undefined into their own
# archive under $FUZZ_OUT, apart from the main build's objects, so the
# ordinary build and `make check` never depend on clang.
set -eu
: "${CLANG:=clang}" "${SRCDIR:?}" "${BUILDDIR:?}" "${FUZZ_OUT:?}" "${LIB_SOURCES:?}"
: "${PKG_CFLAGS:=}" "${PKG_LIBS:=}" "${PKGDATADIR:=/usr/local/share/shipdeck}"
TARGETS="fuzz_import fuzz_import_ops fuzz_import_prs fuzz_config fuzz_dump fuzz_text"

probe_dir=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-fuzzprobe.XXXXXX")
trap 'rm -rf "$probe_dir"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	> "$probe_dir/probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$probe_dir/probe.c" -o "$probe_dir/probe" 2>/dev/null; then
	echo "make fuzz: needs clang with libFuzzer (-fsanitize=fuzzer); '$CLANG' is missing or lacks it." >&2
	echo "make fuzz: install clang, or run 'make fuzz CLANG=/path/to/clang'." >&2
	exit 1
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -g -O1 -D_GNU_SOURCE -DSD_PKGDATADIR=\"$PKGDATADIR\" $SAN \
-I$SRCDIR/src -I$SRCDIR/ui -I$BUILDDIR/src -I$BUILDDIR $PKG_CFLAGS"
mkdir -p "$FUZZ_OUT/obj"

# Objects are rebuilt when their source or any header is newer.
newest_header=$(ls -t "$SRCDIR"/src/*.h "$SRCDIR"/src/*.def "$SRCDIR"/ui/*.h 2>/dev/null | head -n 1)
objs=""
jobs=""
for src in $LIB_SOURCES; do
	case "$src" in *.c) ;; *) continue ;; esac
	if [ -f "$SRCDIR/$src" ]; then path="$SRCDIR/$src"; else path="$BUILDDIR/$src"; fi
	obj="$FUZZ_OUT/obj/$(echo "$src" | tr '/' '_' | sed 's/\.c$/.o/')"
	objs="$objs $obj"
	if [ ! -f "$obj" ] || [ "$path" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
		jobs="$jobs $path=$obj"
	fi
done
if [ -n "$jobs" ]; then
	echo "  CLANG    $(echo $jobs | wc -w) library sources (fuzzer-no-link)"
	# shellcheck disable=SC2086
	FUZZ_CC=$CLANG FUZZ_CFLAGS=$CFLAGS
	export FUZZ_CC FUZZ_CFLAGS
	# shellcheck disable=SC2016,SC2086
	printf '%s\n' $jobs | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
		src=${1%%=*}; obj=${1#*=}
		$FUZZ_CC $FUZZ_CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj"' _ {}
	rm -f "$FUZZ_OUT/libfuzzshipdeck.a"
fi
if [ ! -f "$FUZZ_OUT/libfuzzshipdeck.a" ]; then
	# shellcheck disable=SC2086
	ar rc "$FUZZ_OUT/libfuzzshipdeck.a" $objs
	ranlib "$FUZZ_OUT/libfuzzshipdeck.a"
fi
for t in $TARGETS; do
	if [ ! -f "$FUZZ_OUT/$t" ] || [ "$SRCDIR/tests/fuzz/$t.c" -nt "$FUZZ_OUT/$t" ] ||
	   [ "$FUZZ_OUT/libfuzzshipdeck.a" -nt "$FUZZ_OUT/$t" ]; then
		echo "  CLANG    $FUZZ_OUT/$t"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS -fsanitize=fuzzer "$SRCDIR/tests/fuzz/$t.c" \
			"$FUZZ_OUT/libfuzzshipdeck.a" $PKG_LIBS -lm -o "$FUZZ_OUT/$t"
	fi
done
echo "fuzz targets in $FUZZ_OUT: $TARGETS"
echo "run them for a while with: $SRCDIR/tests/fuzz/run-short.sh $BUILDDIR SECONDS"
