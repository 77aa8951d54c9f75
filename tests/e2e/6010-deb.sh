# make deb builds the Debian package (lintian finds no error); installed
# with dpkg it puts the program where Debian says, reads /etc/blogstat.conf
# from any folder, has its system user and leaves the timer disabled; a
# purge removes it all. Run as root with the release build only: it
# installs on this machine.
. "$ROOT/tests/e2e/lib.sh"

if [ "$(id -u)" != 0 ] || [ "$BLOGSTAT" != "$ROOT/blogstat" ]; then
    echo "skip: the package is installed by root, once (release build)"
    exit 0
fi
if dpkg -s blogstat >/dev/null 2>&1; then
    echo "skip: a blogstat package is installed here already"
    exit 0
fi
# Built without optimisation (a third less time) nor its -dbgsym
# package: this test checks the packaging; the optimised program is what
# every other test runs.
DEB_BUILD_OPTIONS="noopt noddebs ${DEB_BUILD_OPTIONS:-}" \
    make -C "$ROOT" --no-print-directory -s deb >deb.log 2>&1 ||
    { tail -30 deb.log >&2; fail "make deb"; }
deb=$(ls "$ROOT"/blogstat_*_*.deb)
trap 'dpkg --purge blogstat >/dev/null 2>&1 || true; rm -f "$deb"' EXIT

# What the package holds, and where.
dpkg -c "$deb" | awk '{print $6}' >contents
for f in ./usr/bin/blogstat ./usr/share/man/man1/blogstat.1.gz \
         ./usr/share/man/man5/blogstat.conf.5.gz ./etc/blogstat.conf \
         ./etc/default/blogstat ./lib/systemd/system/blogstat.service \
         ./lib/systemd/system/blogstat.timer \
         ./usr/share/bash-completion/completions/blogstat \
         ./usr/share/doc/blogstat/copyright; do
    grep -qx "$f" contents || fail "the package lacks $f"
done
! grep -q '^\./usr/local' contents || fail "files under /usr/local"
dpkg-deb -f "$deb" Depends | grep -q 'libsqlite3' || fail "no shlibs depends"
# libpq is opened by the first PostgreSQL connection and the charts'
# libraries by the first chart, not linked: the package names them.
dpkg-deb -f "$deb" Recommends | grep -q 'libpq5' || fail "libpq5 not recommended"
for p in libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libpng16-16; do
    dpkg-deb -f "$deb" Depends | grep -q "$p" || fail "no dependency on $p"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -q conffiles ||
    fail "no conffiles"
dpkg-deb -e "$deb" ctrl
grep -qx /etc/blogstat.conf ctrl/conffiles || fail "config not a conffile"

expect_status 0 dpkg -i "$deb"
getent passwd blogstat >/dev/null || fail "no user blogstat"
id -nG blogstat | grep -qw adm || fail "blogstat not in adm"
[ "$(stat -c %U /var/lib/blogstat)" = blogstat ] || fail "/var/lib/blogstat"
/usr/bin/blogstat --version | grep -q '^blogstat ' || fail "--version"
grep -q 'ExecStart=.*/usr/bin/blogstat' /lib/systemd/system/blogstat.service ||
    fail "the unit's program"
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    ! systemctl is-enabled blogstat.timer >/dev/null 2>&1 ||
        fail "the timer was enabled"
fi

# The config is found in /etc from any folder: a [site] name there shows
# in -v's first line.
cp /etc/blogstat.conf conf.orig
printf '[site]\nname = Packaged\n[db]\npath = %s/p.db\n' "$PWD" \
    >/etc/blogstat.conf
mkdir elsewhere
(cd elsewhere && /usr/bin/blogstat -v ingest "$ROOT/sample-logs/access.log.1") \
    >out 2>err || { cat err >&2; fail "installed ingest"; }
grep -q "config /etc/blogstat.conf, database $PWD/p.db" err ||
    { cat err >&2; fail "-v does not name /etc/blogstat.conf"; }
[ -s p.db ] || fail "the config's database was not written"
# The installed program draws: the charts' libraries are found by name.
(cd elsewhere && /usr/bin/blogstat report --out "$PWD/../rep") 2>err ||
    { cat err >&2; fail "installed report"; }
python3 - rep/charts <<'PY' || fail "the installed report's charts"
import os, sys
pngs = [f for f in os.listdir(sys.argv[1]) if f.endswith(".png")]
assert pngs, "no PNG"
with open(os.path.join(sys.argv[1], pngs[0]), "rb") as f:
    assert f.read(8) == b"\x89PNG\r\n\x1a\n", pngs[0]
PY
cp conf.orig /etc/blogstat.conf

expect_status 0 dpkg --purge blogstat
[ ! -e /usr/bin/blogstat ] || fail "purge left the program"
[ ! -e /etc/blogstat.conf ] || fail "purge left the config"
[ ! -d /var/lib/blogstat ] || fail "purge left /var/lib/blogstat"
