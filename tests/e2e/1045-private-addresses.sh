# Addresses that are nobody's (a home network, Docker's bridge, the
# documentation prefix, CGNAT) have the country '--' although the GeoIP
# database places some of them; and [site] exclude leaves the owner's own
# reading out of every count: hits, robots, views, visitors, referrers,
# countries. status says how many lines it left out.
. "$ROOT/tests/e2e/lib.sh"

ua='"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"'
ua2='"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"'
hn='"https://news.ycombinator.com/item?id=1"'
line() {   # ADDR TIME TARGET [STATUS] [REFERER] [UA]
    echo "$1 - - [05/Mar/2024:$2 +0100] \"GET $3 HTTP/1.1\" ${4:-200} 512 ${5:-\"-\"} ${6:-$ua}"
}
{
    # The owner at home, over IPv4 and IPv6, and nginx in Docker.
    line 192.168.1.10 08:00:00 /owner-only/ 200 "$hn"
    line 192.168.1.10 08:00:05 /post-a/
    line 192.168.1.10 08:00:09 /wp-content/themes/x/style.css
    line 192.168.1.10 08:01:00 /post-a/ 200 '"-"' '"curl/8.5.0"'
    line 172.17.0.1 08:02:00 /post-a/
    line 2001:db8::1 08:03:00 /post-a/
    line ::ffff:192.168.1.11 08:04:00 /post-a/
    # Readers nobody excludes: one behind CGNAT, one public.
    line 100.64.12.34 09:00:00 /post-a/ 200 '"https://www.google.com/"' "$ua2"
    line 8.8.8.8 09:30:00 /post-a/ 200 '"https://www.google.com/"'
    line 8.8.8.8 09:31:00 /post-b/
    echo "this line is bad"
} >access.log

# -- no exclude: every line counts, and the special ones are '--' ------------
expect_status 0 bs --db a.db ingest --max-bad 1 access.log
bs --db a.db top countries --format csv >c.csv
# 192.168.1.10 (2 views), 172.17.0.1, 2001:db8::1, ::ffff:192.168.1.11,
# 100.64.12.34: six views from nobody's addresses.
grep -qx -- '--,Unknown,6,5' c.csv || { cat c.csv >&2; fail "'--' is not 6 views of 5 visitors"; }
if grep -q '^AU,\|^JP,' c.csv; then
    cat c.csv >&2; fail "a special address got the database's country"
fi
if [ -n "$GEOIP" ]; then
    [ "$(csv_rows <c.csv)" -eq 2 ] || { cat c.csv >&2; fail "not two countries"; }
    grep -q '^US,[^,]*,2,1$' c.csv || { cat c.csv >&2; fail "8.8.8.8 is not US"; }
fi
bs --db a.db status >st.txt
grep -q '^hits      10, 1 from robots$' st.txt || { cat st.txt >&2; fail "hits"; }
if grep -q '^excluded' st.txt; then fail "excluded shown without exclude"; fi

# -- exclude: the owner's lines count nowhere ----------------------------------
cat >ex.conf <<'EOF'
[site]
url = https://blog.example.org
exclude = 192.168.0.0/16 2001:db8::/32
exclude = 172.17.0.1
EOF
expect_status 0 bs --db b.db --config ex.conf -v ingest --max-bad 1 access.log
expect_stderr "7 lines of [site] exclude addresses left out"
bs --db b.db status >st.txt
grep -q '^lines     11 in 1 log, 1 bad' st.txt || { cat st.txt >&2; fail "lines"; }
grep -q '^hits      3, 0 from robots$' st.txt || { cat st.txt >&2; fail "hits of excluded lines"; }
grep -q '^views     3$' st.txt || { cat st.txt >&2; fail "views"; }
grep -q '^excluded  7 lines of \[site\] exclude addresses$' st.txt ||
    { cat st.txt >&2; fail "status does not say what was excluded"; }
bs --db b.db top days --format csv >d.csv
grep -qx '2024-03-05,3,2,2' d.csv || { cat d.csv >&2; fail "day: views, visitors, visits"; }
bs --db b.db top posts --format csv >p.csv
grep -qx '/post-a/,,2,2,2' p.csv || { cat p.csv >&2; fail "post-a"; }
if grep -q owner-only p.csv; then fail "the owner's post was counted"; fi
bs --db b.db top referrers --format csv >r.csv
if grep -q ycombinator r.csv; then fail "the owner's referrer was counted"; fi
grep -q '^google' r.csv || { cat r.csv >&2; fail "google is gone"; }
bs --db b.db top countries --format csv >c.csv
grep -qx -- '--,Unknown,1,1' c.csv || { cat c.csv >&2; fail "CGNAT reader"; }

# -- behind a proxy, the client is the address X-Forwarded-For gives ---------
cat >px.conf <<'EOF'
[site]
exclude = 192.168.1.10
[log]
format = nginx_main
trusted_proxies = 10.0.0.0/8
client = x_forwarded_for
EOF
{
    echo "10.0.0.2 - - [05/Mar/2024:10:00:00 +0100] \"GET /post-a/ HTTP/1.1\" 200 512 \"-\" $ua \"192.168.1.10\""
    echo "10.0.0.2 - - [05/Mar/2024:10:00:01 +0100] \"GET /post-b/ HTTP/1.1\" 200 512 \"-\" $ua \"8.8.8.8\""
    # The connection itself is the owner's, the header a forgery: counted.
    echo "192.168.1.99 - - [05/Mar/2024:10:00:02 +0100] \"GET /post-c/ HTTP/1.1\" 200 512 \"-\" $ua \"192.168.1.10\""
} >px.log
expect_status 0 bs --db p.db --config px.conf ingest px.log
bs --db p.db top posts --format csv >p.csv
[ "$(csv_rows <p.csv)" -eq 2 ] || { cat p.csv >&2; fail "proxied owner"; }
grep -q '^/post-b/' p.csv && grep -q '^/post-c/' p.csv || { cat p.csv >&2; fail "proxied readers"; }

# -- a bad prefix is an error naming the file and line ------------------------
printf '[site]\nexclude = 192.168.0.0/16\nexclude = 192.168.1.0/16\n' >bad.conf
expect_status 64 bs --db x.db --config bad.conf ingest access.log
expect_stderr "bad.conf:3:"
expect_stderr "192.168.0.0/16"

# -- one address, User-Agents alike but for one byte: each its own ---------
# A reader's robot test, country and visitor are kept for the next line of
# the same address and User-Agent; these three differ in the first bytes
# alone (one a robot) and are the same length: neither may take
# another's answer.
a='Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'
b="MozXlla${a#Mozilla}"
r="Zzzbot/${a#Mozilla}"
{
    line 8.8.4.4 10:00:00 /post-c/ 200 '"-"' "\"$a\""
    line 8.8.4.4 10:00:10 /post-c/ 200 '"-"' "\"$b\""
    line 8.8.4.4 10:00:20 /post-c/ 200 '"-"' "\"$r\""
    line 8.8.4.4 10:00:30 /post-c/ 200 '"-"' "\"$a\""
    line 8.8.4.4 11:00:00 /post-d/ 200 '"-"' "\"$r\""
    line 8.8.4.4 11:00:10 /post-d/ 200 '"-"' "\"$a\""
} >alike.log
expect_status 0 bs --db alike.db ingest alike.log
bs --db alike.db top posts --format csv >alike.csv
grep -qx '/post-c/,,3,2,2' alike.csv && grep -qx '/post-d/,,1,1,1' alike.csv ||
    { cat alike.csv >&2; fail "User-Agents alike but for one byte were mixed up"; }
bs --db alike.db top robots --format csv >alike-r.csv
grep -q ',2$' alike-r.csv || { cat alike-r.csv >&2; fail "the robot's 2 hits"; }
