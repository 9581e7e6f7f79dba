# sobre — plain Makefile.
#   make            build build/sobre
#   make run        build, then run sobre on the example guide
#   make check      unit tests, golden cases, real corpus; then all again under ASan+UBSan
#   make bench      benchmarks (see README)
CC      ?= cc
PKGS    := libfyaml md4c jansson sqlite3 libmicrohttpd libsodium xlsxwriter
TESTPKGS:= cmocka
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
BUILD   ?= build
SHARED  ?= ../shared

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Isrc $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)

LIB_SRC  := $(sort $(wildcard src/util/*.c src/guide/*.c src/render/*.c src/steer/*.c src/web/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c)) src/main.c
TEST_SRC := $(sort $(wildcard tests/unit/*/*.c))

THEME    := $(sort $(wildcard themes/default/*))
PILOTAGE := $(sort $(wildcard themes/pilotage/*))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/theme_default.o $(BUILD)/obj/gen/theme_pilotage.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.PHONY: all run check test unit cases corpus asan bench deps clean fuzz lint e2e
all: deps $(BUILD)/sobre

deps:
	@./scripts/deps.sh

$(BUILD)/sobre: $(CLI_OBJ) $(BUILD)/libsobre.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

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

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# The guide's site and the steering app on the example guide; the database
# (build/sobre.db) is created on the first run, which prints the admin's
# one-time password.
run: all
	./$(BUILD)/sobre serve --db $(BUILD)/sobre.db examples/guide

# The whole suite, then the whole suite again under sanitizers in a separate build dir.
check: deps
	$(MAKE) test
	$(MAKE) e2e
	$(MAKE) test BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"

test: $(BUILD)/sobre $(TEST_BIN)
	@./tests/run-unit.sh $(BUILD)
	@./tests/run-cases.sh $(BUILD)/sobre
	@./tests/run-watch.sh $(BUILD)/sobre
	@python3 tests/web/test_serve.py $(BUILD)/sobre examples/guide
	@python3 tests/web/test_pilotage.py $(BUILD)/sobre examples/guide
	@./tests/run-corpus.sh $(BUILD)/sobre $(SHARED)
	@./tests/steer/e2e.sh $(BUILD)/sobre $(SHARED)
	@./tests/steer/crash.sh $(BUILD)/sobre

# Browser test of the built site (Chromium, playwright-core, axe-core); skipped
# without a browser outside CI.
e2e: $(BUILD)/sobre
	@./tests/e2e/run.sh $(BUILD)/sobre

bench: all
	@./tests/bench/run.sh $(BUILD)/sobre $(SHARED)

clean:
	rm -rf $(BUILD)
