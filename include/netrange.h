/*
 * netrange.h - IP addresses as a log writes them, the address blocks
 * that are nobody's, and sets of CIDR prefixes.
 *
 * An address is read by hand, without inet_pton() or an allocation, so
 * that it can be read for every log line: a dotted quad exactly as
 * inet_pton(AF_INET) takes it (four decimal parts 0 to 255, no leading
 * zero), or IPv6 text as inet_pton(AF_INET6) takes it ("::", a trailing
 * dotted quad), optionally followed by a zone id ("fe80::1%eth0", which
 * names the server's interface, not another address). An IPv4-mapped
 * IPv6 address (::ffff:192.0.2.1) is the IPv4 address it holds.
 *
 * A set is built once (netrange_parse()) into two sorted arrays of
 * disjoint ranges, IPv4 and IPv6; a lookup is one binary search.
 */
#ifndef BLOGSTAT_NETRANGE_H
#define BLOGSTAT_NETRANGE_H

#include "blogstat.h"

/* The longest address text netaddr_parse() reads: an IPv6 address with
 * a dotted quad (45 bytes) and a zone id. */
#define NETADDR_MAX_TEXT 96

/* An address: IPv4 (v6 0) in v4, or IPv6 in hi (its first 64 bits) and
 * lo, all in host order. */
struct netaddr {
    int v6;
    uint32_t v4;
    uint64_t hi, lo;
};

/*
 * Read exactly n bytes of text as an address into *a: 0, or -1 when it
 * is none (blanks, brackets, a port, a NUL, anything but the forms
 * above). *a is untouched on -1.
 */
int netaddr_parse(const char *p, size_t n, struct netaddr *a);

/* The 4 (IPv4) or 16 (IPv6) bytes of a, in network order; returns 4 or
 * 16. */
size_t netaddr_bytes(const struct netaddr *a, unsigned char out[16]);

/*
 * The block of IANA's IPv4 and IPv6 Special-Purpose Address Registries
 * that holds a, when that block is not globally reachable, or a is
 * multicast or outside the address space assigned for public use (IPv4
 * 240.0.0.0/4, IPv6 outside 2000::/3): a short name of the block
 * ("private-use", "loopback", "documentation", ...), a static string.
 * NULL for any other address. An IPv6 address that carries an IPv4 one
 * (NAT64's 64:ff9b::/96, 6to4's 2002::/16) is special when that IPv4
 * address is. Such an address is no reader's position on a map: it is a
 * home network, a container, a provider's NAT, or an example.
 */
const char *netaddr_special(const struct netaddr *a);

struct netrange;

/*
 * A set of the addresses and CIDR prefixes of list, separated by blanks
 * and/or commas ("192.168.0.0/16 10.1.2.3, 2001:db8::/32"). A bare
 * address is a /32 or a /128; ::ffff:a.b.c.d/N (N >= 96) is the IPv4
 * prefix a.b.c.d/(N-96). Refused with BS_USAGE and a message that begins
 * with what (such as "exclude") and names the entry: no address, a
 * prefix length out of range or not plain decimal, a zone id, host bits
 * set (10.0.0.1/8: the network 10.0.0.0/8 or the host 10.0.0.1?).
 * An empty list is an empty set. Caller frees with netrange_free().
 */
struct netrange *netrange_parse(const char *list, const char *what,
                                struct bs_err *err);
void netrange_free(struct netrange *r);

/* The number of disjoint ranges kept (prefixes inside others merged). */
size_t netrange_count(const struct netrange *r);

/* 1 when a is in r, else 0 (also for r NULL). */
int netrange_has(const struct netrange *r, const struct netaddr *a);

/* 1 when the n bytes of text at addr are an address in r, else 0. */
int netrange_contains(const struct netrange *r, const char *addr, size_t n);

#endif
