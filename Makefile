# blogstat - one GNU Makefile, no autotools.
#
#   make          build ./blogstat (says which -dev packages are missing)
#   make deps     install, as root, every package any target needs
#   make demo     install what it needs, build, fetch the GeoIP database, ingest sample-logs/,
#                 import its posts, print the top posts, tags, countries,
#                 write the report into reports/
#   make test     the whole suite: unit (cmocka), end to end, sanitizers
#   make check    the quick suite: unit and end to end, ./blogstat only
#   make bench    ingest of a 2-million-line gzip log against gzip -dc
#   make bench-pg the same log into PostgreSQL against SQLite (the last
#                 row of make bench)
#   make geoip    fetch the CC0 GeoIP database into data/
#   make refresh-data  the newest crawler-user-agents list and uap-core
#                      rules into third_party/
#
# V=1 prints the commands, ZLIB=1 inflates with zlib rather than ISA-L,
# CFLAGS and LDFLAGS are added to those of every build.

CC ?= cc
CXX ?= c++
PKGS := zlib sqlite3 libpq libmaxminddb inih expat cairo pangocairo libpng libsodium \
        yaml-0.1 tomlplusplus
# The robot rules are matched with PCRE2 (Debian libpcre2-dev).
PKGS += libpcre2-8
# Inflate with ISA-L's igzip (Debian libisal-dev) unless ZLIB=1.
ifneq ($(ZLIB),1)
PKGS += libisal
endif
# libcsv has no pkg-config file; the charts use libm; the TOML shim
# (src/*.cc, C++17) needs the C++ runtime.
EXTRA_LIBS := -lcsv -lm -lstdc++

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wundef
CSTD := -std=c11
# The C++ shims over C++-only libraries (src/*.cc): the C warnings that
# C++ knows, C++17.
CXXWARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wvla -Wundef
CXXSTD := -std=c++17
OPT ?= -O2 -g
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -MMD -MP
# Where `make install` puts blogstat (the GNU names; DESTDIR for staging).
# The program looks for blogstat.conf in sysconfdir after ./blogstat.conf,
# and for a GeoIP database in datadir/blogstat: both are built in, so
# give the same values to make and to make install.
prefix ?= /usr/local
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
datarootdir ?= $(prefix)/share
datadir ?= $(datarootdir)
mandir ?= $(datarootdir)/man
sysconfdir ?= $(prefix)/etc
systemdunitdir ?= $(prefix)/lib/systemd/system
bashcompdir ?= $(datarootdir)/bash-completion/completions
INSTALL ?= install
CPPFLAGS += -DBLOGSTAT_SYSCONFDIR='"$(sysconfdir)"' \
            -DBLOGSTAT_DATADIR='"$(datadir)/blogstat"'
# The unit tests' own code (not the library under test, built as its
# build says) unoptimised: it compiles in a quarter of the time.
TEST_OPT := -O0 -g1

# What the sanitizer builds add to -fsanitize=: stop at the first error,
# and stacks a report can walk (-g1: the line tables a stack needs, a
# third less compile time than -g).
SANITIZE_FLAGS := -O1 -g1 -fno-omit-frame-pointer -fno-sanitize-recover=all

# Evaluated once, when first used: after `deps` has installed what is
# missing, not when make reads this file.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
# libpq, cairo, pango and libpng are not linked: src/db_pg.c opens libpq
# on the first PostgreSQL connection, src/chart_lib.c the others on the
# first chart (linked, they would make each start of the program 34 ms of
# CPU instead of 7). The unit
# tests that call them themselves link them.
DLOPEN_PKGS := libpq cairo pangocairo libpng
PKG_LIBS = $(eval PKG_LIBS := $(shell pkg-config --libs $(filter-out $(DLOPEN_PKGS),$(PKGS))) $(EXTRA_LIBS))$(PKG_LIBS)
DLOPEN_LIBS = $(eval DLOPEN_LIBS := $(shell pkg-config --libs $(DLOPEN_PKGS)))$(DLOPEN_LIBS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $(shell pkg-config --libs cmocka))$(CMOCKA_LIBS)

# The library (src/*.c) and the command line over it (src/cli/*.c).
# reader_isal.c and reader_zlib.c are the gzip backends reader.c
# #includes; they are not compiled alone.
READER_BACKENDS := src/reader_isal.c src/reader_zlib.c
LIB_SRC := $(filter-out $(READER_BACKENDS),$(wildcard src/*.c))
LIB_CXX_SRC := $(wildcard src/*.cc)
CLI_SRC := $(filter-out src/cli/main.c,$(wildcard src/cli/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

# The robot rules, compiled into the library as a C table
# (include/robots_rules.h): the crawler-user-agents list kept in
# third_party/ and blogstat's own rules.
ROBOT_DATA := third_party/crawler-user-agents/crawler-user-agents.json \
              rules/robots-extra.txt rules/robots-people.txt
ROBOT_RULES_C := build/gen/robots_rules.c
# The browser, system and device rules (include/uap_rules.h): uap-core's
# regexes kept in third_party/ and blogstat's device classes.
UAP_DATA := third_party/uap-core/regexes.yaml rules/ua-devices.txt \
            rules/ua-browsers.txt
UAP_RULES_C := build/gen/uap_rules.c
# The referrer hosts' types and brands (include/referrer_rules.h).
REF_DATA := rules/referrers.txt rules/fediverse.txt
REF_RULES_C := build/gen/referrer_rules.c

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps have-deps have-deps-test deps-demo deps-test deps-bench \
        install uninstall deb deps-deb demo test check unit e2e asan fuzz bench bench-pg geoip refresh-data clean hdr-check lint

all: blogstat

# ---- the builds ----------------------------------------------------------
#
# Four builds, each a folder and two knobs: SANITIZE, the -fsanitize= list
# (empty: optimised with OPT), and ZLIB=1 to inflate with zlib rather than
# ISA-L. One set of rules (build_rules below) makes each of them:
#
#   DIR/libblogstat.a   the library, src/*.c
#   DIR/libcli.a        the command line, src/cli/*.c but main.c
#   BIN                 DIR/cli/main.o linked over both
#   DIR/tests/test_X    tests/unit/test_X.c over both
#   DIR/fuzz/fuzz_X     tests/fuzz/fuzz_X.c with replay.c over the library
#
# The tests compile with BLOGSTAT_ALLOW_BANNED: they may use the calls
# include/banned.h keeps out of src/.
BUILDS := default asan tsan zlib

default_DIR := build
default_BIN := blogstat
default_ZLIB := $(ZLIB)

asan_DIR := build/asan
asan_BIN := $(asan_DIR)/blogstat
asan_SANITIZE := address,undefined
asan_ZLIB := $(ZLIB)

# ThreadSanitizer over what runs on threads: the reader's inflate thread,
# the workers of ingest -j and the chunks committed in the background.
tsan_DIR := build/tsan
tsan_BIN := $(tsan_DIR)/blogstat
tsan_SANITIZE := thread
tsan_ZLIB := $(ZLIB)

# The zlib decoder, built beside the ISA-L one so that make test runs both.
# It differs from the default build in the reader alone: it links the
# default build's other objects (FROM) and compiles its own reader.
zlib_DIR := build/zlib
zlib_BIN := $(zlib_DIR)/blogstat
zlib_ZLIB := 1
zlib_FROM := default

# build_rules NAME: the variables NAME_FLAGS, NAME_DEFS, NAME_OBJ,
# NAME_CLI_OBJ, NAME_UNIT, NAME_FUZZ and the rules of build NAME.
define build_rules
$(1)_FLAGS := $(CSTD) $(WARN) -pthread \
    $(if $($(1)_SANITIZE),$(SANITIZE_FLAGS) -fsanitize=$($(1)_SANITIZE), \
        $(OPT)) $(CFLAGS)
$(1)_DEFS := $(if $(filter 1,$($(1)_ZLIB)),,-DBLOGSTAT_ISAL=1)
$(1)_CXXFLAGS := $(CXXSTD) $(CXXWARN) -pthread \
    $(if $($(1)_SANITIZE),$(SANITIZE_FLAGS) -fsanitize=$($(1)_SANITIZE), \
        $(OPT)) $(CXXFLAGS)
$(1)_OBJ := $(if $($(1)_FROM), \
    $(filter-out $($($(1)_FROM)_DIR)/reader.o,$($($(1)_FROM)_OBJ)) \
    $($(1)_DIR)/reader.o, \
    $(LIB_SRC:src/%.c=$($(1)_DIR)/%.o) \
    $(LIB_CXX_SRC:src/%.cc=$($(1)_DIR)/%.o) $($(1)_DIR)/gen/robots_rules.o \
    $($(1)_DIR)/gen/uap_rules.o $($(1)_DIR)/gen/referrer_rules.o)
$(1)_CLI_OBJ := $(if $($(1)_FROM),$($($(1)_FROM)_CLI_OBJ), \
    $(CLI_SRC:src/%.c=$($(1)_DIR)/%.o))
$(1)_MAIN := $($(if $($(1)_FROM),$($(1)_FROM),$(1))_DIR)/cli/main.o
$(1)_UNIT := $(UNIT_SRC:tests/unit/%.c=$($(1)_DIR)/tests/%)
$(1)_FUZZ := $(FUZZ_SRC:tests/fuzz/%.c=$($(1)_DIR)/fuzz/%)

$($(1)_DIR)/%.o: src/%.c | have-deps
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$<$(if $(filter default,$(1)),, ($(1)))")
	$$(Q)$$(CC) $$(CPPFLAGS) $$($(1)_DEFS) $$(PKG_CFLAGS) $$($(1)_FLAGS) \
	    -c -o $$@ $$<

$($(1)_DIR)/gen/%.o: build/gen/%.c include/%.h | have-deps
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$<$(if $(filter default,$(1)),, ($(1)))")
	$$(Q)$$(CC) $$(CPPFLAGS) $$($(1)_FLAGS) -c -o $$@ $$<
$($(1)_DIR)/%.o: src/%.cc | have-deps
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CXX     $$<$(if $(filter default,$(1)),, ($(1)))")
	$$(Q)$$(CXX) $$(CPPFLAGS) $$(PKG_CFLAGS) $$($(1)_CXXFLAGS) -c -o $$@ $$<

$($(1)_DIR)/libblogstat.a: $$($(1)_OBJ)
	@mkdir -p $$(@D)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
$($(1)_DIR)/libcli.a: $$($(1)_CLI_OBJ)
	@mkdir -p $$(@D)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^

$($(1)_BIN): $$($(1)_MAIN) $($(1)_DIR)/libcli.a \
             $($(1)_DIR)/libblogstat.a
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(CC) $$($(1)_FLAGS) $$(LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)

$($(1)_DIR)/tests/%: tests/unit/%.c $($(1)_DIR)/libcli.a \
                     $($(1)_DIR)/libblogstat.a | have-deps-test
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$<$(if $(filter default,$(1)),, ($(1)))")
	$$(Q)$$(CC) $$(CPPFLAGS) $$($(1)_DEFS) -DBLOGSTAT_ALLOW_BANNED \
	    -Itests/unit $$(PKG_CFLAGS) $$($(1)_FLAGS) $$(TEST_OPT) $$(LDFLAGS) \
	    -o $$@ $$< \
	    $($(1)_DIR)/libcli.a $($(1)_DIR)/libblogstat.a $$(PKG_LIBS) \
	    $$(DLOPEN_LIBS) $$(CMOCKA_LIBS)

# Fuzz targets, built with a replay main() so that gcc runs the corpora.
$($(1)_DIR)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c \
                    $($(1)_DIR)/libblogstat.a
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$<$(if $(filter default,$(1)),, ($(1)))")
	$$(Q)$$(CC) $$(CPPFLAGS) $$($(1)_DEFS) -DBLOGSTAT_ALLOW_BANNED \
	    $$(PKG_CFLAGS) $$($(1)_FLAGS) $$(LDFLAGS) -o $$@ $$< \
	    tests/fuzz/replay.c $($(1)_DIR)/libblogstat.a $$(PKG_LIBS)
endef

$(foreach b,$(BUILDS),$(eval $(call build_rules,$(b))))

# What `make test` runs of each build (tests/run-all.sh).
default_TESTS := $(default_UNIT)
asan_TESTS := $(asan_UNIT) $(asan_FUZZ)
tsan_TESTS := $(tsan_DIR)/tests/test_reader $(tsan_DIR)/tests/test_report_data \
              $(tsan_DIR)/tests/test_report
zlib_TESTS := $(zlib_DIR)/tests/test_reader

$(ROBOT_RULES_C): scripts/robots-rules.py $(ROBOT_DATA) | have-deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)python3 scripts/robots-rules.py $(ROBOT_DATA) >$@.tmp && mv $@.tmp $@

$(UAP_RULES_C): scripts/uap-rules.py $(UAP_DATA) | have-deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)python3 scripts/uap-rules.py $(UAP_DATA) >$@.tmp && mv $@.tmp $@

$(REF_RULES_C): scripts/referrer-rules.py $(REF_DATA) | have-deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)python3 scripts/referrer-rules.py $(REF_DATA) >$@.tmp && mv $@.tmp $@

# `make deps` installs (as root) what every target needs; the build rules
# only check, and say what is missing.
deps:
	$(Q)scripts/deps.sh all
have-deps:
	$(Q)scripts/deps.sh --check build
have-deps-test:
	$(Q)scripts/deps.sh --check test
deps-demo:
	$(Q)scripts/deps.sh demo
deps-test:
	$(Q)scripts/deps.sh test
deps-bench:
	$(Q)scripts/deps.sh bench
deps-deb:
	$(Q)scripts/deps.sh deb

# ---- install ---------------------------------------------------------------

# The folders named in the man pages and the systemd unit.
SUBST := sed -e 's|@bindir@|$(bindir)|g' -e 's|@sysconfdir@|$(sysconfdir)|g' \
             -e 's|@datadir@|$(datadir)/blogstat|g'

# The program, its man pages, an example config (never over one that is
# there), the systemd service and timer (not enabled), bash completion,
# and the GeoIP database when `make geoip` fetched one.
install: blogstat
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 \
	    $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(sysconfdir)/default \
	    $(DESTDIR)$(systemdunitdir) $(DESTDIR)$(bashcompdir) \
	    $(DESTDIR)$(datadir)/blogstat
	$(INSTALL) -m 755 blogstat $(DESTDIR)$(bindir)/blogstat
	$(SUBST) man/blogstat.1 >$(DESTDIR)$(mandir)/man1/blogstat.1
	$(SUBST) man/blogstat.conf.5 >$(DESTDIR)$(mandir)/man5/blogstat.conf.5
	chmod 644 $(DESTDIR)$(mandir)/man1/blogstat.1 \
	    $(DESTDIR)$(mandir)/man5/blogstat.conf.5
	[ -e $(DESTDIR)$(sysconfdir)/blogstat.conf ] || \
	    $(INSTALL) -m 644 dist/blogstat.conf $(DESTDIR)$(sysconfdir)/blogstat.conf
	[ -e $(DESTDIR)$(sysconfdir)/default/blogstat ] || \
	    $(INSTALL) -m 644 dist/blogstat.default \
	        $(DESTDIR)$(sysconfdir)/default/blogstat
	$(SUBST) dist/blogstat.service.in >$(DESTDIR)$(systemdunitdir)/blogstat.service
	chmod 644 $(DESTDIR)$(systemdunitdir)/blogstat.service
	$(INSTALL) -m 644 dist/blogstat.timer $(DESTDIR)$(systemdunitdir)/blogstat.timer
	$(INSTALL) -m 644 dist/blogstat.bash-completion $(DESTDIR)$(bashcompdir)/blogstat
	if [ -s data/geo-whois-asn-country.mmdb ]; then \
	    $(INSTALL) -m 644 data/geo-whois-asn-country.mmdb \
	        $(DESTDIR)$(datadir)/blogstat/; fi

# What install put there, but the config, which may hold your changes.
uninstall:
	rm -f $(DESTDIR)$(bindir)/blogstat $(DESTDIR)$(mandir)/man1/blogstat.1 \
	    $(DESTDIR)$(mandir)/man5/blogstat.conf.5 \
	    $(DESTDIR)$(systemdunitdir)/blogstat.service \
	    $(DESTDIR)$(systemdunitdir)/blogstat.timer \
	    $(DESTDIR)$(bashcompdir)/blogstat \
	    $(DESTDIR)$(datadir)/blogstat/geo-whois-asn-country.mmdb
	-rmdir $(DESTDIR)$(datadir)/blogstat

# The Debian package (debian/), built from a copy of the checkout so that
# its build never touches build/: blogstat_VERSION_ARCH.deb here.
VERSION := $(shell sed -n 's/^\#define BLOGSTAT_VERSION "\(.*\)"/\1/p' include/blogstat.h)
deb: deps-deb
	$(Q)rm -rf build/deb && mkdir -p build/deb/blogstat-$(VERSION)
	$(Q)git ls-files -co --exclude-standard -z | \
	    xargs -0 cp --parents -t build/deb/blogstat-$(VERSION)
	$(Q)cd build/deb/blogstat-$(VERSION) && \
	    DEB_BUILD_OPTIONS="parallel=$$(nproc) $${DEB_BUILD_OPTIONS:-}" \
	    dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
	    { tail -30 ../build.log; exit 1; }
	$(Q)mv build/deb/blogstat_$(VERSION)_*.deb .
	$(Q)if command -v lintian >/dev/null 2>&1; then \
	    lintian --fail-on error blogstat_$(VERSION)_*.deb; fi
	@echo "deb: $$(ls blogstat_$(VERSION)_*.deb)"

# ---- tests ---------------------------------------------------------------

# Corpora of real User-Agents for tests/unit/test_robots.c, fetched from
# the npm registry into build/ua-corpora/ (not committed). Offline, the
# script says so and the test skips them.
UA_CORPORA := build/ua-corpora/browsers.txt
$(UA_CORPORA): scripts/fetch-ua-corpora.sh
	$(Q)scripts/fetch-ua-corpora.sh build/ua-corpora || true

# Tiny MaxMind DB files for tests/unit/test_geo.c (both layouts).
FIXTURES := build/fixtures/city.mmdb build/fixtures/flat.mmdb
$(FIXTURES) &: tests/fixtures/mkmmdb.pl | have-deps-test
	@mkdir -p build/fixtures
	$(Q)perl tests/fixtures/mkmmdb.pl build/fixtures

# The quick suite for the edit loop: unit and end-to-end tests of the
# release build (the e2e tests run as many at once as there are cores).
check: blogstat $(default_TESTS) $(UA_CORPORA) $(FIXTURES)
	$(Q)tests/run-all.sh quick

# The unit tests alone.
unit: blogstat $(default_TESTS) $(UA_CORPORA) $(FIXTURES)
	$(Q)tests/run-unit.sh unit $(default_TESTS)

e2e: blogstat
	$(Q)tests/e2e/run.sh ./blogstat

asan: export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan: export ASAN_OPTIONS = quarantine_size_mb=16
asan: $(asan_BIN) $(asan_TESTS) $(UA_CORPORA) $(FIXTURES)
	$(Q)tests/run-unit.sh unit-asan $(asan_UNIT)
	$(Q)tests/fuzz/replay-all.sh $(asan_FUZZ)
	$(Q)tests/e2e/run.sh $(asan_BIN) e2e-asan

# The whole suite; its last lines are the runners' summaries. The four
# builds use every core unless -j was given.
TEST_JOBS := $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))
test: deps-test
	$(Q)scripts/deps.sh --background browser
	$(Q)$(MAKE) --no-print-directory geoip || \
	    echo "test: no GeoIP database; country tests will say so"
	$(Q)$(MAKE) --no-print-directory $(TEST_JOBS) \
	    $(foreach b,$(BUILDS),$($(b)_BIN) $($(b)_TESTS)) \
	    $(UA_CORPORA) $(FIXTURES)
	$(Q)tests/run-all.sh

# ---- demo, data, bench ---------------------------------------------------

geoip:
	$(Q)scripts/fetch-geoip.sh

# The newest crawler-user-agents list and uap-core rules from npm into
# third_party/.
refresh-data:
	$(Q)scripts/refresh-crawlers.sh
	$(Q)scripts/refresh-uap.sh

DEMO_DB := data/demo.db
DEMO := ./blogstat --config sample-logs/blogstat.conf --db $(DEMO_DB)

demo: deps-demo
	$(Q)$(MAKE) --no-print-directory blogstat
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

bench: deps-bench
	$(Q)$(MAKE) --no-print-directory blogstat
	$(Q)python3 scripts/bench.py
	$(Q)$(MAKE) --no-print-directory bench-pg

# The PostgreSQL row: ingest into a throwaway cluster against SQLite.
bench-pg:
	$(Q)$(MAKE) --no-print-directory blogstat
	$(Q)python3 scripts/bench_pg.py

# ---- checks on the code ----------------------------------------------------

# Every header compiles on its own.
hdr-check: | have-deps
	$(Q)for h in include/*.h; do \
	    echo "#include \"$$(basename $$h)\"" | \
	    $(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) $(PKG_CFLAGS) $(default_FLAGS) \
	        -x c -fsyntax-only - \
	    || exit 1; done; echo "hdr-check: ok"

# cppcheck, clang-tidy (.clang-tidy), headers alone, banned calls refused.
lint: | have-deps-test
	$(Q)tests/lint.sh

clean:
	rm -rf build blogstat

# What the compiler found each object and program includes (-MMD -MP).
-include $(wildcard $(foreach b,$(BUILDS),$($(b)_DIR)/*.d $($(b)_DIR)/cli/*.d \
                                         $($(b)_DIR)/tests/*.d $($(b)_DIR)/fuzz/*.d))
