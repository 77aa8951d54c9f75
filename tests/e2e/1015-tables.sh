# The tables of the reader's other dimensions on lines as real clients
# write them: feed readers that report subscribers (Feedly, NewsBlur),
# in-app browsers (Facebook, Instagram), a text browser, a tablet, a smart
# TV and a game console; crawlers (GPTBot, Googlebot) and curl; campaign
# links; broken links beside scanners' probes; two sites in one log. Every
# row of `top robots|hours|campaigns|browsers|systems|devices|missing|feeds`
# is compared, for the whole range, for one day and for the other site.
. "$ROOT/tests/e2e/lib.sh"

FF='Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0'
FB='Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/450.0.0.38.108;FBBV/564431005;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.3;FBSS/3;FBID/phone;FBLC/sv_SE;FBOP/5;FBRV/0]'
IG='Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Instagram 315.0.0.29.109 Android (33/13; 480dpi; 1080x2340; samsung; SM-S911B; dm1q; qcom; sv_SE; 555470573)'
LYNX='Lynx/2.9.0dev.12 libwww-FM/2.14 SSL-MM/1.4.1 GNUTLS/3.7.9'
IPAD='Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1'
TV='Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36'
PS='Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)'
CH='Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36'
GPT='Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)'
GB='Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
FEEDLY40='Feedly/1.0 (+http://www.feedly.com/fetcher.html; 40 subscribers; like FeedFetcher-Google)'
FEEDLY42='Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; like FeedFetcher-Google)'
NB='NewsBlur Feed Fetcher - 5 subscribers - https://www.newsblur.com/site/1234/blog (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36)'

# l HOST IP DAY TIME METHOD TARGET STATUS REFERER UA: one vhost_combined line.
l() {
    printf '%s:443 %s - - [%s/Mar/2024:%s +0100] "%s %s HTTP/1.1" %s 1000 "%s" "%s"\n' \
        "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
}
{
    B=blog.example
    l $B 81.2.69.142 04 09:15:00 GET '/2024/03/04/spring/?utm_source=newsletter&utm_medium=email&utm_campaign=spring+sale' 200 - "$FF"
    l $B 81.2.69.143 04 09:40:10 GET /2024/03/04/spring/ 200 https://l.facebook.com/ "$FB"
    l $B 81.2.69.144 04 21:05:00 GET '/2024/03/04/spring/?utm_source=instagram' 200 - "$IG"
    l $B 81.2.69.145 04 21:30:00 GET / 200 - "$LYNX"
    l $B 81.2.69.146 04 21:31:00 GET /2024/03/04/spring/ 304 - "$IPAD"
    l $B 81.2.69.147 04 22:00:00 GET /2024/03/04/spring/ 200 - "$TV"
    l $B 81.2.69.148 04 22:10:00 GET / 200 - "$PS"
    l $B 20.171.207.2 04 03:00:00 GET /2024/03/04/spring/ 200 - "$GPT"
    l $B 66.249.66.1 04 03:01:00 GET /2024/03/04/spring/ 200 - "$GB"
    l $B 66.249.66.1 04 03:02:00 GET /feed/ 200 - "$GB"
    l $B 66.249.66.1 04 03:03:00 GET /2024/03/01/old-slug/ 404 - "$GB"
    l $B 52.55.1.1 04 05:00:00 GET /feed/ 200 - "$FEEDLY40"
    l $B 52.55.1.2 04 07:00:00 GET /feed/ 304 - "$FEEDLY42"
    l $B 52.55.1.3 04 08:00:00 GET /feed/ 200 - "$NB"
    l $B 81.2.69.142 04 10:00:00 GET /feed/ 200 - "$FF"
    l $B 81.2.69.142 04 18:00:00 GET /feed/ 304 - "$FF"
    l $B 81.2.69.149 04 11:00:00 GET /comments/feed/ 200 - "$FF"
    l $B 81.2.69.142 04 12:00:00 GET /2024/03/01/old-slug/ 404 https://news.example.org/a/b "$FF"
    l $B 81.2.69.150 04 12:01:00 GET /2024/03/01/old-slug/ 404 https://news.example.org/c "$CH"
    l $B 81.2.69.151 04 12:02:00 GET /2024/03/01/old-slug/ 404 - "$CH"
    l $B 81.2.69.151 04 12:03:00 GET /tagg/eu/ 404 - "$CH"
    l $B 81.2.69.152 04 12:04:00 GET /.env 404 - "$CH"
    l $B 81.2.69.152 04 12:05:00 GET /wp-login.php 404 - "$CH"
    l $B 81.2.69.152 04 12:06:00 GET /backup.sql 404 - "$CH"
    l $B 81.2.69.153 04 13:00:00 GET /style.css 200 - 'curl/8.5.0'
    l $B 81.2.69.142 05 09:15:00 GET '/2024/03/04/spring/?utm_source=newsletter&utm_medium=email&utm_campaign=spring+sale' 200 - "$FF"
    l $B 52.55.1.1 05 05:00:00 GET /feed/ 200 - "$FEEDLY40"
    l $B 81.2.69.160 05 10:00:00 GET /feed/ 200 - "$CH"
    l other.example 81.2.69.170 05 23:59:59 GET /hello/ 200 https://t.co/x "$CH"
    l other.example 20.171.207.2 05 23:59:58 GET /hello/ 200 - "$GPT"
} >access.log
printf '[log]\nformat = vhost_combined\n[site]\nurl = https://blog.example\nhosts = blog.example\n[site other]\nhosts = other.example\n' >b.conf
expect_status 0 bs --config b.conf --db t.db ingest access.log

# same TABLE ARGS... <<EXPECTED: the CSV of `top TABLE --limit 0 ARGS`.
same() {
    what=$1
    shift
    cat >want.csv
    expect_status 0 "$BLOGSTAT" --config b.conf --db t.db top "$what" \
        --limit 0 --format csv "$@"
    diff -u want.csv stdout >&2 || fail "top $what $*"
}

same robots <<'T'
robot,category,hits
Feedly,feed,3
Googlebot,search,3
GPTBot,ai,1
NewsBlur,feed,1
curl,tool,1
T
same robots --site other <<'T'
robot,category,hits
GPTBot,ai,1
T
# 21:31 is the iPad's 304; robots' and feed readers' requests are no views.
same hours <<'T'
weekday,hour,views
Mon,9,2
Mon,21,3
Mon,22,2
Tue,9,1
T
same campaigns <<'T'
source,medium,campaign,views
newsletter,email,spring sale,2
instagram,,,1
T
same devices <<'T'
device,views,visitors
desktop,3,2
mobile,2,2
console,1,1
tablet,1,1
tv,1,1
T
same browsers --to 2024-03-04 <<'T'
browser,views,visitors
Facebook,1,1
Firefox,1,1
Instagram,1,1
Lynx,1,1
Mobile Safari,1,1
PlayStation Browser,1,1
Safari,1,1
T
same systems <<'T'
system,views,visitors
Linux,2,1
Other,2,2
iOS,2,2
Android,1,1
Tizen,1,1
T
same devices --site other <<'T'
device,views,visitors
desktop,1,1
T
# Three people followed a dead link (two from news.example.org); a
# mistyped tag; probes and Googlebot left out.
same missing <<'T'
path,hits,referrer
/2024/03/01/old-slug/,3,news.example.org
/tagg/eu/,1,
T
# 4 March: Feedly's most (42) + NewsBlur's 5 + one person (twice) = 48;
# Googlebot's fetch is none. 5 March, the range's last day: Feedly's 40 +
# one person. /comments/feed/: one person on the 4th.
same feeds --from 2024-03-04 --to 2024-03-04 <<'T'
feed,subscribers,fetches
/feed/,48,5
/comments/feed/,1,1
T
same feeds <<'T'
feed,subscribers,fetches
/feed/,41,7
/comments/feed/,1,1
T
same feeds --site other <<'T'
feed,subscribers,fetches
T

# The same tables in JSON, and a table of nothing.
expect_status 0 "$BLOGSTAT" --config b.conf --db t.db top devices --format json
grep -q '"device": *"tv"' stdout || fail "no tv in JSON: $(cat stdout)"
expect_status 64 "$BLOGSTAT" --config b.conf --db t.db top robot
expect_stderr "robots"
