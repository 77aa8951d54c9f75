/*
 * geo.h - client address -> ISO 3166-1 alpha-2 country, through a MaxMind
 * DB file (country or city layout, IPv4 and IPv6), with a cache so that a
 * repeated address costs one hash lookup, and, on a log with many
 * readers, an IPv4 table (the database's IPv4 networks as sorted ranges,
 * read once) so that any IPv4 address costs a short binary search, never
 * a walk of the database's tree.
 */
#ifndef BLOGSTAT_GEO_H
#define BLOGSTAT_GEO_H

#include "blogstat.h"

/* The installed data folder (make datadir=...): datadir/blogstat. */
#ifndef BLOGSTAT_DATADIR
#define BLOGSTAT_DATADIR "/usr/local/share/blogstat"
#endif

struct geo;

/*
 * Open the database at path. With path NULL, look in the usual places
 * (geo_search()) and, when none is there, return a geo that answers "--"
 * for every address (geo_path() is then NULL). With a path that cannot be
 * opened or is no MaxMind DB, return NULL with err (BS_NOINPUT).
 * Caller frees with geo_close().
 */
struct geo *geo_open(const char *path, struct bs_err *err);
/* Another geo on first's database, for another thread: they share the
 * IPv4 table (built once, by the first that needs it). Close them in any
 * order. NULL with err as geo_open(). */
struct geo *geo_open_like(const struct geo *first, struct bs_err *err);
void geo_close(struct geo *g);

/*
 * The first .mmdb file found in data/ (beside the current directory, then
 * beside the blogstat binary), the installed data folder
 * (datadir/blogstat), /usr/share/GeoIP/, /var/lib/GeoIP/; files
 * whose name says "country" first. Returns a string the caller frees, or
 * NULL.
 */
char *geo_search(void);

/* The file in use, or NULL when there is none. */
const char *geo_path(const struct geo *g);

/*
 * The country of addr (n bytes of text, as the log wrote it; an IPv6
 * zone id, "%eth0", is left out): two upper-case letters and a NUL, or
 * "--" when unknown. An address of a special-purpose block that is
 * nobody's (netaddr_special(): private, loopback, link-local, CGNAT,
 * unique-local, documentation, multicast, reserved ...) is "--" without
 * asking the database, which may place such ranges somewhere. Each
 * distinct IPv6 address is read and looked up once (then cached); an
 * IPv4 address costs a hash lookup, or with the IPv4 table a binary
 * search. The string stays valid until geo_close().
 */
const char *geo_country(struct geo *g, const char *addr, size_t n);

/*
 * The bytes of the IPv4 table: 0 until a few thousand distinct IPv4
 * addresses have been looked up (the table is built then, once), and
 * with no database or one whose tree cannot be walked (IPv4 addresses
 * then go to the database, through the cache).
 */
size_t geo_ipv4_table_bytes(const struct geo *g);

#endif
