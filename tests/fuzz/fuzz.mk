# libFuzzer targets (issue 8). `make fuzz` builds tests/fuzz/fuzz_* with
# clang (override with `make fuzz CLANG=clang-18`), compiling the library
# sources again apart from the main build; tests/fuzz/run-short.sh runs each
# target for a fixed time. Without clang the rule fails with a clear message
# and nothing else (make, make check, make distcheck) is affected.
CLANG = clang
FUZZ_OUT = tests/fuzz/out

fuzz: src/embedded_data.c
	@CLANG='$(CLANG)' SRCDIR='$(abs_top_srcdir)' BUILDDIR='$(abs_top_builddir)' \
	FUZZ_OUT='$(abs_top_builddir)/$(FUZZ_OUT)' PKGDATADIR='$(pkgdatadir)' \
	LIB_SOURCES='$(libshipdeck_a_SOURCES) $(nodist_libshipdeck_a_SOURCES)' \
	PKG_CFLAGS='$(NCURSES_CFLAGS) $(LIBGIT2_CFLAGS) $(SQLITE_CFLAGS) $(CJSON_CFLAGS)' \
	PKG_LIBS='$(NCURSES_LIBS) $(LIBGIT2_LIBS) $(SQLITE_LIBS) $(CJSON_LIBS)' \
	$(SHELL) $(top_srcdir)/tests/fuzz/build.sh

fuzz-clean:
	rm -rf $(FUZZ_OUT)

clean-local: fuzz-clean

.PHONY: fuzz fuzz-clean

EXTRA_DIST += tests/fuzz/build.sh tests/fuzz/run-short.sh \
	tests/fuzz/fuzz_import.c tests/fuzz/fuzz_import_ops.c tests/fuzz/fuzz_import_prs.c tests/fuzz/fuzz_config.c tests/fuzz/fuzz_dump.c \
	tests/fuzz/fuzz_text.c tests/fuzz/corpus_import tests/fuzz/corpus_import_ops tests/fuzz/corpus_import_prs tests/fuzz/corpus_config \
	tests/fuzz/corpus_dump tests/fuzz/corpus_text
