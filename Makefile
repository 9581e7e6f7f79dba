# sobre — plain Makefile.
#   make            build build/sobre
#   make run        build, then run sobre on the example guide
#   make check      unit tests, golden cases, real corpus; then all again under ASan+UBSan
#   make bench      benchmarks and pathological inputs (see README)
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS (60) each
#   make oidc-check OpenID Connect login against a real provider (node, npm)
#   make lint       layers and circles (scripts/layers.py), limits documented, steering SQL both engines accept
#                   (scripts/sqlcheck.py), cppcheck and clang-tidy over src/
#   make man        the man pages, from man/*.scd (needs scdoc)
#   make install    PREFIX (/usr/local), DESTDIR: binary, man pages, systemd unit, docs; make uninstall
#   make deb        build/sobre_VERSION_ARCH.deb (dpkg-deb)
#   make docker     the container image (Dockerfile), where a container engine runs
CC      ?= cc
PKGS    := libfyaml md4c jansson sqlite3 libmicrohttpd libsodium xlsxwriter libutf8proc libzip expat libcurl libcrypto libpq
TESTPKGS:= cmocka
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
BUILD   ?= build
# Test data the project does not ship (the real guide and the old site's
# outputs, the Mustache spec, the synthetic guide generator of make bench):
# $SOBRE_TESTDATA, else ../shared beside the clone (SHARED, its older name,
# still works). The tests that need it say SKIPPED without it; under CI
# ($CI set) its absence fails them. See the README.
SOBRE_TESTDATA := $(or $(SOBRE_TESTDATA),$(SHARED),../shared)
SHARED  := $(SOBRE_TESTDATA)
export SOBRE_TESTDATA

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Isrc $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)
# The sobre binary's allocator: mimalloc (Debian's libmimalloc-dev, no
# pkg-config file), which takes malloc over for the whole process, the
# libraries' allocations included. The build and the web app spend a fifth
# of their time in glibc's malloc and free; with mimalloc the 10,000-sheet
# build and the app's practice page take about 20 % less CPU
# (docs/benchmarks.md). Not under the sanitizers, which bring their own;
# MALLOC_LIBS= links the C library's.
MALLOC_LIBS ?= $(if $(SANFLAGS),,-lmimalloc)

LIB_SRC  := $(sort $(wildcard src/util/*.c src/guide/*.c src/render/*.c src/steer/*.c src/web/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c)) src/main.c
TEST_SRC := $(sort $(wildcard tests/unit/*/*.c))

THEME    := $(sort $(wildcard themes/default/*))
PILOTAGE := $(sort $(wildcard themes/pilotage/*))
CHARTS   := $(sort $(wildcard themes/charts/*))
REPORT   := $(sort $(wildcard themes/report/*))
DECLARATION := $(sort $(wildcard themes/declaration/*))
STRATEGY := $(sort $(wildcard themes/strategy/*))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/theme_default.o $(BUILD)/obj/gen/theme_pilotage.o \
	$(BUILD)/obj/gen/theme_charts.o $(BUILD)/obj/gen/theme_report.o $(BUILD)/obj/gen/theme_declaration.o \
	$(BUILD)/obj/gen/theme_strategy.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
# One libFuzzer harness per entry point (tests/fuzz/fuzz_<name>.c).
FUZZERS  := frontmatter markdown mustache csv http referentiel profile workbook doc
# The same harnesses with a plain main() (tests/fuzz/replay.c): make test
# feeds them the regression cases and the seed corpora.
REPLAY_BIN := $(FUZZERS:%=$(BUILD)/replay/fuzz_%)

.PHONY: all run check test unit cases corpus asan bench deps clean fuzz fuzz-bin lint e2e pathological office \
	man install uninstall install-check deb docker oidc-check
all: deps $(BUILD)/sobre

deps:
	@./scripts/deps.sh

$(BUILD)/sobre: $(CLI_OBJ) $(BUILD)/libsobre.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(MALLOC_LIBS)

$(BUILD)/libsobre.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

# The default theme is compiled into the binary (generated, never checked in).
$(BUILD)/gen/theme_default.c: $(THEME) scripts/embed.py
	@mkdir -p $(dir $@)
	@python3 scripts/embed.py themes/default $@

# The web app's templates and stylesheet (sobre serve, /pilotage/), likewise.
$(BUILD)/gen/theme_pilotage.c: $(PILOTAGE) scripts/embed.py
	@mkdir -p $(dir $@)
	@python3 scripts/embed.py themes/pilotage $@ pilotage_theme_files

# The bar and line charts that both the management report and the web app's
# dashboard draw (render/chart), and the report's page (steer/report).
$(BUILD)/gen/theme_charts.c: $(CHARTS) scripts/embed.py
	@mkdir -p $(dir $@)
	@python3 scripts/embed.py themes/charts $@ chart_theme_files

$(BUILD)/gen/theme_report.c: $(REPORT) scripts/embed.py
	@mkdir -p $(dir $@)
	@python3 scripts/embed.py themes/report $@ report_theme_files

# The RGESN declaration's page (steer/declaration).
$(BUILD)/gen/theme_declaration.c: $(DECLARATION) scripts/embed.py
	@mkdir -p $(dir $@)
	@python3 scripts/embed.py themes/declaration $@ declaration_theme_files

# The stratégie numérique responsable's page (steer/strategy).
$(BUILD)/gen/theme_strategy.c: $(STRATEGY) scripts/embed.py
	@mkdir -p $(dir $@)
	@python3 scripts/embed.py themes/strategy $@ strategy_theme_files

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsobre.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -Itests -DSHARED_DIR='"$(SHARED)"' -o $@ $< $(BUILD)/libsobre.a $(TEST_LIBS) $(LDLIBS_ALL)

$(BUILD)/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libsobre.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -Itests -o $@ $< tests/fuzz/replay.c $(BUILD)/libsobre.a $(LDLIBS_ALL)

# The library's Markdown and Mustache entry points on a file, for make pathological.
$(BUILD)/tools/driver: tests/pathological/driver.c $(BUILD)/libsobre.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libsobre.a $(LDLIBS_ALL)

# The PostgreSQL baseline's DDL on stdout, for tests/pg/test_schema.sh.
$(BUILD)/tools/pg_schema: tests/pg/pg_schema.c $(BUILD)/libsobre.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libsobre.a $(LDLIBS_ALL)

# A sample stratégie-like document as ODT, HTML and Markdown, for
# tests/render/odt-libreoffice.sh (the ODT opened by LibreOffice).
$(BUILD)/tools/doc_sample: tests/render/doc_sample.c $(BUILD)/libsobre.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libsobre.a $(LDLIBS_ALL)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# The guide's site and the steering app on the example guide; the database
# (build/sobre.db) is created on the first run, which prints the admin's
# one-time password.
run: all
	./$(BUILD)/sobre serve --db $(BUILD)/sobre.db examples/guide

# The whole suite, then the whole suite again under sanitizers in a separate build dir.
check: deps
	$(MAKE) test
	$(MAKE) install-check
	$(MAKE) e2e
	$(MAKE) office
	$(MAKE) oidc-check
	$(MAKE) test BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"
	$(MAKE) oidc-check BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"

# The suites run several at a time (tests/run_suites.py: SOBRE_TEST_JOBS,
# default 3), the longest first; each one's output is printed whole. The
# PostgreSQL tests (tests/pg/run.sh, in two halves with a throwaway cluster
# each: the backend, the CLI, the app alone, the steering suites, crash and
# two servers; then the web and mail suites below again; skipped without
# PostgreSQL's server binaries outside CI) run on the plain build only:
# they test SQL and the server's answers, which the sanitizers do not see.
test: $(BUILD)/sobre $(TEST_BIN) $(REPLAY_BIN) $(if $(SANFLAGS),,$(BUILD)/tools/pg_schema)
	@python3 tests/run_suites.py \
		$(if $(SANFLAGS),,"pg=./tests/pg/run.sh $(BUILD) backend" "pg-suites=./tests/pg/run.sh $(BUILD) suites") \
		"remind=python3 tests/mail/test_remind.py $(BUILD)/sobre tests/cases/steer/_base/guide-v1" \
		"reminders=python3 tests/web/test_reminders.py $(BUILD)/sobre examples/guide" \
		"pilotage=python3 tests/web/test_pilotage.py $(BUILD)/sobre examples/guide" \
		"unit=./tests/run-unit.sh $(BUILD)" \
		"cases=./tests/run-cases.sh $(BUILD)/sobre" \
		"serve=python3 tests/web/test_serve.py $(BUILD)/sobre examples/guide" \
		"steer-crash=./tests/steer/crash.sh $(BUILD)/sobre" \
		"corpus=./tests/run-corpus.sh $(BUILD)/sobre $(SHARED)" \
		"watch=./tests/run-watch.sh $(BUILD)/sobre" \
		"web-crash=python3 tests/web/crash.py $(BUILD)/sobre" \
		"migrate=./tests/fixtures/migrate.sh $(BUILD)/sobre" \
		"upgrade=./tests/fixtures/upgrade.sh $(BUILD)/sobre" \
		"fuzz-replay=./tests/fuzz/replay.sh $(BUILD) $(if $(SANFLAGS),1,0) $(FUZZERS)" \
		"json-objects=python3 tests/web/test_json_objects.py $(BUILD)/sobre examples/guide" \
		"steer-e2e=./tests/steer/e2e.sh $(BUILD)/sobre $(SHARED)"

# Browser test of the built site (Chromium, playwright-core, axe-core); skipped
# without a browser outside CI.
e2e: $(BUILD)/sobre
	@./tests/e2e/run.sh $(BUILD)/sobre

# OpenID Connect login against a real provider (oidc-provider, installed by
# npm ci into tests/oidc/node_modules); skipped without node and npm outside
# CI. Run on the plain build and on the sanitizers' one (make check).
oidc-check: $(BUILD)/sobre
	@./tests/oidc/run.sh $(BUILD)/sobre

# The documents opened by the real client: LibreOffice headless reads the
# ODT render/doc writes and the stratégie's, and saves the assessment
# workbook as XLSX and ODS for import-assessment (skipped without
# LibreOffice outside CI). Once, not under the sanitizers: it tests files,
# not memory.
office: $(BUILD)/sobre $(BUILD)/tools/doc_sample
	@./tests/render/odt-libreoffice.sh $(BUILD)
	@./tests/steer/strategy-libreoffice.sh $(BUILD)/sobre
	@./tests/steer/workbook-libreoffice.sh $(BUILD)/sobre

bench: all pathological
	@./tests/bench/run.sh $(BUILD)/sobre $(SHARED)

# Hostile inputs at doubling sizes: time must grow linearly, limits must end
# in a clear error. Timings, so in bench rather than check.
pathological: all $(BUILD)/tools/driver
	@python3 tests/pathological.py $(BUILD)/sobre $(BUILD)/tools/driver

# Static analysis with the build's flags: cppcheck and clang-tidy over every
# file of src/, after the architecture and SQL checks; any finding fails the
# run.
lint:
	@./scripts/lint.sh "$(CSTD) -Isrc $(PKG_CFLAGS)"

# Installation, GNU style: make install PREFIX=/usr DESTDIR=/tmp/root.
# The unit goes where systemd looks for it under PREFIX (/usr/lib/systemd/system,
# /usr/local/lib/systemd/system), with the binary's installed path in ExecStart.
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/sobre
UNITDIR ?= $(PREFIX)/lib/systemd/system
# GNU's sysconfdir is PREFIX/etc, except that /usr's is /etc.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
MAN_SRC := $(sort $(wildcard man/*.scd))
MAN_OUT := $(MAN_SRC:man/%.scd=$(BUILD)/man/%)

# The man pages are written in scdoc's format; scdoc turns them into roff.
# Only make man and make install need it, not the build.
man: $(MAN_OUT)

$(BUILD)/man/%: man/%.scd
	@command -v scdoc >/dev/null 2>&1 || { echo "man: scdoc is missing: apt-get install scdoc" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  SCDOC   $<"
	@scdoc < $< > $@.tmp && mv $@.tmp $@

install: all man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)/docs
	install -m 755 $(BUILD)/sobre $(DESTDIR)$(BINDIR)/sobre
	install -m 644 $(MAN_OUT) $(DESTDIR)$(MANDIR)/man1/
	sed 's|@BINDIR@|$(BINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' packaging/sobre.service > $(DESTDIR)$(UNITDIR)/sobre.service
	chmod 644 $(DESTDIR)$(UNITDIR)/sobre.service
	@# The settings file is the administrator's once installed: never replaced.
	install -d $(DESTDIR)$(SYSCONFDIR)/sobre
	test -e $(DESTDIR)$(SYSCONFDIR)/sobre/sobre.conf || install -m 644 packaging/sobre.conf $(DESTDIR)$(SYSCONFDIR)/sobre/sobre.conf
	install -m 644 README.md CHANGELOG.md $(DESTDIR)$(DOCDIR)/
	install -m 644 $(sort $(wildcard docs/*.md)) $(DESTDIR)$(DOCDIR)/docs/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sobre $(DESTDIR)$(UNITDIR)/sobre.service
	rm -f $(MAN_SRC:man/%.scd=$(DESTDIR)$(MANDIR)/man1/%)
	rm -rf $(DESTDIR)$(DOCDIR)
	@# An edited settings file is kept, as dpkg keeps a changed conffile.
	if cmp -s packaging/sobre.conf $(DESTDIR)$(SYSCONFDIR)/sobre/sobre.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/sobre/sobre.conf; rmdir $(DESTDIR)$(SYSCONFDIR)/sobre 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/sobre/sobre.conf ]; then \
		echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/sobre/sobre.conf was edited: kept"; fi

# The man pages against the binary, make install into a scratch root, the
# unit (systemd-analyze verify), the Debian package: seconds, in make check.
install-check: $(BUILD)/sobre
	@python3 tests/install/man.py $(BUILD)/sobre man
	@./tests/install/install.sh $(BUILD)
	@./tests/install/deb.sh $(BUILD)

# A Debian package of make install PREFIX=/usr (scripts/deb.sh).
deb: all man
	@./scripts/deb.sh $(BUILD)

# The container image (Dockerfile): not in check, it needs a running engine.
DOCKER ?= docker
docker:
	$(DOCKER) build -t sobre:$$(sed -n 's/^#define SOBRE_VERSION "\(.*\)"/\1/p' src/main.c) -t sobre:latest .

# libFuzzer: the whole library rebuilt by clang with coverage and ASan+UBSan
# in build/fuzz, then each harness run for FUZZ_SECONDS. Not part of check:
# it takes minutes and its findings become regression cases that check replays.
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-bin BUILD=build/fuzz CC=clang \
		OPT="-O1 -g -fno-omit-frame-pointer" SANFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)"
	@./tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZERS)

fuzz-bin: $(FUZZERS:%=$(BUILD)/fuzz_%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libsobre.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS_ALL) -Itests -fsanitize=fuzzer -o $@ $< $(BUILD)/libsobre.a $(LDLIBS_ALL)

clean:
	rm -rf $(BUILD)
