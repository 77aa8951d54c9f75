# blogstat - one GNU Makefile, no autotools.
#
#   make          build ./blogstat (installs missing -dev packages as root)
#   make demo     build, fetch the GeoIP database, ingest sample-logs/,
#                 import its posts, print the top posts, tags, countries,
#                 write the report into reports/
#   make test     the whole suite: unit (cmocka), end to end, sanitizers
#   make bench    ingest of a 2-million-line gzip log against gzip -dc
#   make geoip    fetch the CC0 GeoIP database into data/
#
# V=1 prints the commands.

CC ?= cc
PKGS := zlib sqlite3 libmaxminddb inih expat cairo pangocairo libpng libsodium
# Inflate with ISA-L's igzip (Debian libisal-dev) unless ZLIB=1.
ifneq ($(ZLIB),1)
PKGS += libisal
CPPFLAGS += -DBLOGSTAT_ISAL=1
endif
# libcsv has no pkg-config file; the charts use libm.
EXTRA_LIBS := -lcsv -lm

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wundef
CSTD := -std=c11
OPT ?= -O2 -g
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -MMD -MP
CFLAGS += $(CSTD) $(OPT) $(WARN) -pthread

# Evaluated once, when first used: after `deps` has installed what is
# missing, not when make reads this file.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS)) $(EXTRA_LIBS))$(PKG_LIBS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $(shell pkg-config --libs cmocka))$(CMOCKA_LIBS)

# The library (src/*.c) and the command line over it (src/cli/*.c).
LIB_SRC := $(wildcard src/*.c)
CLI_SRC := $(filter-out src/cli/main.c,$(wildcard src/cli/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

B := build
OBJ := $(LIB_SRC:src/%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

# The sanitizer build lives beside the normal one.
AB := build/asan
ASAN_FLAGS := -O1 -g -pthread -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
A_OBJ := $(LIB_SRC:src/%.c=$(AB)/%.o)
A_CLI_OBJ := $(CLI_SRC:src/%.c=$(AB)/%.o)
A_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(AB)/tests/%)
A_FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(AB)/fuzz/%)

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps deps-demo deps-test deps-bench demo test check e2e asan \
        fuzz-replay fuzz bench geoip clean hdr-check lint

all: blogstat

deps:
	$(Q)scripts/deps.sh build
deps-demo:
	$(Q)scripts/deps.sh demo
deps-test:
	$(Q)scripts/deps.sh test
deps-bench:
	$(Q)scripts/deps.sh bench

$(B)/%.o: src/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libblogstat.a: $(OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(B)/libcli.a: $(CLI_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

blogstat: $(B)/cli/main.o $(B)/libcli.a $(B)/libblogstat.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- tests ---------------------------------------------------------------

$(B)/tests/%: tests/unit/%.c $(B)/libcli.a $(B)/libblogstat.a | deps-test
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(PKG_CFLAGS) $(CFLAGS) -o $@ $< \
	    $(B)/libcli.a $(B)/libblogstat.a $(PKG_LIBS) $(CMOCKA_LIBS)

$(AB)/%.o: src/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (asan)")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CSTD) $(WARN) $(ASAN_FLAGS) -c -o $@ $<

$(AB)/libblogstat.a: $(A_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(AB)/libcli.a: $(A_CLI_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(AB)/blogstat: $(AB)/cli/main.o $(AB)/libcli.a $(AB)/libblogstat.a
	$(Q)$(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)

$(AB)/tests/%: tests/unit/%.c $(AB)/libcli.a $(AB)/libblogstat.a | deps-test
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(PKG_CFLAGS) $(CSTD) $(WARN) \
	    $(ASAN_FLAGS) -o $@ $< $(AB)/libcli.a $(AB)/libblogstat.a $(PKG_LIBS) \
	    $(CMOCKA_LIBS)

# The zlib decoder, built beside the ISA-L one so that make test runs both.
ZB := build/zlib
Z_OBJ := $(filter-out $(B)/reader.o,$(OBJ)) $(ZB)/reader.o
$(ZB)/reader.o: src/reader.c | deps
	@mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -DBLOGSTAT_ISAL=1,$(CPPFLAGS)) $(PKG_CFLAGS) \
	    $(CFLAGS) -c -o $@ $<
$(ZB)/libblogstat.a: $(Z_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(ZB)/blogstat: $(B)/cli/main.o $(B)/libcli.a $(ZB)/libblogstat.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)
$(ZB)/tests/test_reader: tests/unit/test_reader.c $(ZB)/libblogstat.a | deps-test
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(PKG_CFLAGS) $(CFLAGS) -o $@ $< \
	    $(ZB)/libblogstat.a $(PKG_LIBS) $(CMOCKA_LIBS)

# ThreadSanitizer over what runs on threads: the reader's inflate thread,
# the workers of ingest -j and the chunks committed in the background.
TB := build/tsan
TSAN_FLAGS := -O1 -g -pthread -fsanitize=thread
T_OBJ := $(LIB_SRC:src/%.c=$(TB)/%.o)
T_CLI_OBJ := $(CLI_SRC:src/%.c=$(TB)/%.o)
$(TB)/%.o: src/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (tsan)")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CSTD) $(WARN) $(TSAN_FLAGS) -c -o $@ $<
$(TB)/libblogstat.a: $(T_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(TB)/libcli.a: $(T_CLI_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(TB)/blogstat: $(TB)/cli/main.o $(TB)/libcli.a $(TB)/libblogstat.a
	$(Q)$(CC) $(TSAN_FLAGS) -o $@ $^ $(PKG_LIBS)
$(TB)/tests/test_reader: tests/unit/test_reader.c $(TB)/libblogstat.a | deps-test
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(PKG_CFLAGS) $(CSTD) $(WARN) \
	    $(TSAN_FLAGS) -o $@ $< $(TB)/libblogstat.a $(PKG_LIBS) $(CMOCKA_LIBS)

# Fuzz targets, built with a replay main() so that gcc runs the corpora.
$(AB)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(AB)/libblogstat.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CSTD) $(WARN) $(ASAN_FLAGS) \
	    -o $@ $< tests/fuzz/replay.c $(AB)/libblogstat.a $(PKG_LIBS)

# Data the tests need and must not commit: fetched once into data/.
data/crawler-user-agents.json:
	$(Q)scripts/fetch-crawlers.sh

# Tiny MaxMind DB files for tests/unit/test_geo.c (both layouts).
FIXTURES := build/fixtures/city.mmdb build/fixtures/flat.mmdb
$(FIXTURES) &: tests/fixtures/mkmmdb.pl | deps-test
	@mkdir -p build/fixtures
	$(Q)perl tests/fixtures/mkmmdb.pl build/fixtures

check: blogstat $(UNIT_BIN) data/crawler-user-agents.json $(FIXTURES)
	$(Q)tests/run-unit.sh unit $(UNIT_BIN)

e2e: blogstat
	$(Q)tests/e2e/run.sh ./blogstat

asan: export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan: $(AB)/blogstat $(A_UNIT_BIN) $(A_FUZZ_BIN) data/crawler-user-agents.json \
      $(FIXTURES)
	$(Q)tests/run-unit.sh unit-asan $(A_UNIT_BIN)
	$(Q)tests/fuzz/replay-all.sh $(A_FUZZ_BIN)
	$(Q)tests/e2e/run.sh $(AB)/blogstat e2e-asan

# The whole suite; its last lines are the runners' summaries.
test: deps-test
	$(Q)$(MAKE) --no-print-directory geoip || \
	    echo "test: no GeoIP database; country tests will say so"
	$(Q)$(MAKE) --no-print-directory blogstat $(UNIT_BIN) $(A_UNIT_BIN) \
	    $(AB)/blogstat $(A_FUZZ_BIN) data/crawler-user-agents.json $(FIXTURES) \
	    $(ZB)/blogstat $(ZB)/tests/test_reader $(TB)/blogstat \
	    $(TB)/tests/test_reader
	$(Q)tests/run-all.sh

# ---- demo, data, bench ---------------------------------------------------

geoip:
	$(Q)scripts/fetch-geoip.sh

DEMO_DB := data/demo.db
DEMO := ./blogstat --config sample-logs/blogstat.conf --db $(DEMO_DB)

demo: deps-demo blogstat
	$(Q)$(MAKE) --no-print-directory geoip || \
	    echo "demo: continuing without GeoIP: countries are unknown ('--')"
	$(Q)rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(DEMO) ingest sample-logs/access.log*
	$(DEMO) import sample-logs/wordpress-export.xml
	$(DEMO) top posts --limit 10
	$(DEMO) top tags --limit 5
	$(DEMO) top countries --limit 5
	$(DEMO) status
	$(DEMO) report --out reports
	@echo "demo: open reports/index.html"

# libFuzzer over every target, FUZZ_SECONDS (60) each; needs clang.
fuzz:
	$(Q)scripts/fuzz.sh $${FUZZ_SECONDS:-60}

bench: deps-bench blogstat
	$(Q)python3 scripts/bench.py

# ---- checks on the code ----------------------------------------------------

# Every header compiles on its own.
hdr-check: | deps
	$(Q)for h in include/*.h; do \
	    echo "#include \"$$(basename $$h)\"" | \
	    $(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -x c -fsyntax-only - \
	    || exit 1; done; echo "hdr-check: ok"

# cppcheck, clang-tidy (.clang-tidy), headers alone, no banned calls.
lint: | deps
	$(Q)tests/lint.sh

clean:
	rm -rf build blogstat

-include $(OBJ:.o=.d) $(A_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(A_CLI_OBJ:.o=.d) \
         $(B)/cli/main.d $(AB)/cli/main.d
