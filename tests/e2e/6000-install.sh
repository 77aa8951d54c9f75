# make install into a DESTDIR puts every file where the FHS says (under
# /usr/local by default), with the folders the program was built with
# written into the man pages and the systemd unit; the installed program
# runs and reads the example config; a second install keeps a config the
# admin changed, and uninstall leaves it.
. "$ROOT/tests/e2e/lib.sh"

# It installs the release build: once is enough.
if [ "$BLOGSTAT" != "$ROOT/blogstat" ]; then
    echo "skip: make install installs the release build"
    exit 0
fi
stage=$PWD/stage
p=$stage/usr/local
make -C "$ROOT" --no-print-directory -s install DESTDIR="$stage" \
    >install.log 2>&1 || { cat install.log >&2; fail "make install"; }

for f in bin/blogstat share/man/man1/blogstat.1 \
         share/man/man5/blogstat.conf.5 etc/blogstat.conf \
         etc/default/blogstat lib/systemd/system/blogstat.service \
         lib/systemd/system/blogstat.timer \
         share/bash-completion/completions/blogstat; do
    [ -f "$p/$f" ] || fail "install left no $f"
done
[ "$(stat -c %a "$p/bin/blogstat")" = 755 ] || fail "blogstat not 755"
for f in share/man/man1/blogstat.1 etc/blogstat.conf \
         lib/systemd/system/blogstat.service; do
    [ "$(stat -c %a "$p/$f")" = 644 ] || fail "$f not 644"
done
# Nothing outside the prefix.
extra=$(cd "$stage" && find . -type f | grep -v '^\./usr/local/' || true)
[ -z "$extra" ] || fail "files outside /usr/local: $extra"

# The folders are written in.
if grep -l '@[a-z]*dir@' "$p/share/man/man1/blogstat.1" \
    "$p/share/man/man5/blogstat.conf.5" \
    "$p/lib/systemd/system/blogstat.service"; then
    fail "a @dir@ left unreplaced"
fi
grep -q 'ExecStart=.*/usr/local/bin/blogstat' \
    "$p/lib/systemd/system/blogstat.service" || fail "service's ExecStart"
grep -q '/usr/local/etc/blogstat.conf' "$p/share/man/man1/blogstat.1" ||
    fail "man page's config path"
grep -q '^User=blogstat' "$p/lib/systemd/system/blogstat.service" ||
    fail "service's user"
grep -q '^ProtectSystem=strict' "$p/lib/systemd/system/blogstat.service" ||
    fail "service not hardened"

# The man pages are clean for man(1), when it is here.
if command -v man >/dev/null 2>&1; then
    for m in man1/blogstat.1 man5/blogstat.conf.5; do
        man --warnings -E UTF-8 -l "$p/share/man/$m" >/dev/null 2>warn ||
            fail "man $m"
        [ ! -s warn ] || { cat warn >&2; fail "man warns about $m"; }
    done
fi
if command -v systemd-analyze >/dev/null 2>&1; then
    systemd-analyze verify --man=no "$p/lib/systemd/system/blogstat.timer" \
        "$p/lib/systemd/system/blogstat.service" 2>verify || true
    ! grep -i "error\|unknown" verify || fail "systemd-analyze verify"
fi

# The completion offers the commands and top's tables.
bash -c '
    _init_completion() {
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
    }
    _filedir() { :; }
    . "$1"
    COMP_WORDS=(blogstat --db x.db to); COMP_CWORD=3; _blogstat
    [ "${COMPREPLY[*]}" = top ] || exit 1
    COMP_WORDS=(blogstat top c); COMP_CWORD=2; _blogstat
    [ "${COMPREPLY[*]}" = "categories countries" ] || exit 2
    COMP_WORDS=(blogstat top posts --co); COMP_CWORD=3; _blogstat
    [ "${COMPREPLY[*]}" = "--compare --config" ] || exit 3
' sh "$p/share/bash-completion/completions/blogstat" ||
    fail "bash completion ($?)"

# The installed program runs, with the example config as it is.
"$p/bin/blogstat" --version | grep -q '^blogstat ' || fail "--version"
expect_status 0 "$p/bin/blogstat" --config "$p/etc/blogstat.conf" \
    --db i.db ingest "$ROOT/sample-logs/access.log.1"
expect_status 0 "$p/bin/blogstat" --config "$p/etc/blogstat.conf" \
    --db i.db top days --format csv
[ "$(csv_rows <stdout)" -ge 1 ] || fail "no days counted"

# A changed config survives a second install; uninstall leaves it alone.
echo "; mine" >>"$p/etc/blogstat.conf"
make -C "$ROOT" --no-print-directory -s install DESTDIR="$stage" \
    >install.log 2>&1 || fail "second make install"
grep -q '^; mine$' "$p/etc/blogstat.conf" || fail "install replaced the config"
make -C "$ROOT" --no-print-directory -s uninstall DESTDIR="$stage" \
    >uninstall.log 2>&1 || fail "make uninstall"
[ ! -e "$p/bin/blogstat" ] || fail "uninstall left the program"
[ ! -e "$p/lib/systemd/system/blogstat.service" ] || fail "uninstall: unit"
grep -q '^; mine$' "$p/etc/blogstat.conf" || fail "uninstall removed the config"
