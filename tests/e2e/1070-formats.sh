# Log formats as servers write them (doc/formats.md): the same traffic,
# written by the generator as Apache with a virtual host, a custom Apache
# LogFormat, nginx's "main", a custom nginx log_format and Caddy's JSON,
# must give exactly the counts of expected.json. Behind proxies, the
# client is the right-most untrusted address of X-Forwarded-For, whatever
# a client forged into the header.
. "$ROOT/tests/e2e/lib.sh"

# gen FORMAT [ARGS]: generated logs of two days in ./FORMAT
gen() {
    f=$1
    shift
    $GEN --out "$f" --seed 21 --days 3 --lines-per-day 500 --format "$f" "$@"
}

# ingest_ok DB ARGS...: ingest must succeed
ingest_ok() {
    db=$1
    shift
    expect_status 0 bs --db "$db" "$@"
}

# -- Apache vhost_combined, found by --format auto ---------------------------
gen vhost_combined
ingest_ok v.db -v ingest vhost_combined/access.log*
expect_stderr "access.log.1: format vhost_combined"
check vhost_combined/expected.json v.db

# -- a custom Apache LogFormat, from the config -------------------------------
gen apache
cat >apache.conf <<'EOF'
[log]
format = %a %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %D %v
EOF
ingest_ok a.db --config apache.conf ingest apache/access.log*
check apache/expected.json a.db
# the same given as the whole LogFormat line of apache2.conf, on the
# command line: the same database
ingest_ok a2.db ingest --format 'LogFormat "%a %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %D %v" custom' apache/access.log*
check apache/expected.json a2.db

# -- nginx's "main" behind proxies -------------------------------------------
gen nginx_main --proxy
cat >proxies.conf <<'EOF'
[log]
trusted_proxies = 10.0.0.0/8
trusted_proxies = 192.168.0.0/16
client = x_forwarded_for
EOF
ingest_ok m.db --config proxies.conf -v ingest nginx_main/access.log*
expect_stderr "access.log.1: format nginx_main"
check nginx_main/expected.json m.db
# Without the proxy rule every reader is a proxy: the counts of views stay,
# those of visitors and countries must not.
ingest_ok m0.db ingest nginx_main/access.log*
if check nginx_main/expected.json m0.db >check.out 2>&1; then
    fail "the connection addresses of proxies gave the readers' counts"
fi
grep -q "visitors" check.out || { cat check.out >&2; fail "no visitor mismatch"; }
# The left-most address (what a naive reader of the header takes) is forged
# in some lines: trusting only the header's first item must not give the
# expected counts either, which the right-most rule did above.
cat >naive.conf <<'EOF'
[log]
trusted_proxies = 0.0.0.0/0
client = x_forwarded_for
EOF
ingest_ok m1.db --config naive.conf ingest nginx_main/access.log*
if check nginx_main/expected.json m1.db >check.out 2>&1; then
    fail "trusting every address gave the readers' counts"
fi

# -- a custom nginx log_format over indented config lines, with a time
#    in ISO 8601, behind the same proxies -------------------------------------
gen nginx --proxy
cat >nginx.conf <<'EOF'
[log]
format = log_format custom '$time_iso8601 $host $remote_addr "$request" '
    '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
    '"$http_x_forwarded_for" rt=$request_time';
trusted_proxies = 10.0.0.0/8 192.168.0.0/16
client = x_forwarded_for
EOF
ingest_ok n.db --config nginx.conf ingest nginx/access.log*
check nginx/expected.json n.db

# -- Caddy's JSON access log: ts in Unix seconds, days in the blog's zone ----
gen caddy --proxy
cat >caddy.conf <<'EOF'
[log]
timezone = Europe/Stockholm
trusted_proxies = 10.0.0.0/8 192.168.0.0/16
client = x_forwarded_for
EOF
ingest_ok c.db --config caddy.conf -v ingest caddy/access.log*
expect_stderr "access.log.1: format caddy"
check caddy/expected.json c.db
# In UTC the days split an hour off: the same views, other days.
sed 's/Europe\/Stockholm/UTC/' caddy.conf >utc.conf
ingest_ok cu.db --config utc.conf ingest caddy/access.log*
bs --db c.db top days --format csv >local.csv
bs --db cu.db top days --format csv >utc.csv
cmp -s local.csv utc.csv && fail "the time zone changed no day"
[ "$(awk -F, 'NR>1{s+=$2}END{print s}' local.csv)" = \
  "$(awk -F, 'NR>1{s+=$2}END{print s}' utc.csv)" ] || fail "views differ by zone"

# -- nginx's escape=json through a map of keys in the config ------------------
gen nginx_json --proxy
cat >json.conf <<'EOF'
[log]
format = json
json_client = remote_addr
json_time = time
json_request = request
json_status = status
json_bytes = body_bytes_sent
json_referer = http_referer
json_agent = http_user_agent
json_xff = http_x_forwarded_for
trusted_proxies = 10.0.0.0/8 192.168.0.0/16
client = x_forwarded_for
EOF
ingest_ok j.db --config json.conf ingest nginx_json/access.log*
check nginx_json/expected.json j.db

# -- no known format: a message with a line and the nearest format, exit 65,
#    nothing counted ------------------------------------------------------------
printf '%s\n' 'Feb  7 13:55:36 host sshd[123]: Accepted publickey for x' \
    'Feb  7 13:55:37 host sshd[124]: Accepted publickey for y' >syslog.txt
expect_status 65 bs --db s.db ingest syslog.txt
expect_stderr "syslog.txt: no known format matches"
expect_stderr "nearest is"
bs --db s.db top days --format csv >days.csv
[ "$(csv_rows <days.csv)" -eq 0 ] || fail "a line of an unknown format counted"

# -- a bad --format is a usage error that quotes it ---------------------------
expect_status 64 bs --db b.db ingest --format '%h%l %t "%r" %>s' syslog.txt
expect_stderr "%h%l"
