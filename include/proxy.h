/*
 * proxy.h - the real client address of a request that came through
 * reverse proxies or a CDN (doc/proxies.md): a list of trusted proxies,
 * as the config's "trusted_proxies =" line writes it, and the rule that
 * picks the client out of the connection address and X-Forwarded-For.
 *
 * The rule: when the connection address is a trusted proxy, walk
 * X-Forwarded-For from the right, skipping trusted addresses; the first
 * untrusted one is the client. Each trusted proxy appends the address it
 * saw, so that entry is the only one a client cannot forge; everything to
 * its left is whatever the client sent. A connection address that is not
 * trusted is the client, whatever the header says.
 *
 * Addresses are matched as IPv4 or IPv6: an IPv4-mapped IPv6 address
 * (::ffff:10.1.2.3), in the list or in a log, is the IPv4 address it
 * holds, and IPv6 prefixes never match IPv4 addresses (::/0 trusts no
 * IPv4 client; write 0.0.0.0/0 as well).
 */
#ifndef BLOGSTAT_PROXY_H
#define BLOGSTAT_PROXY_H

#include "blogstat.h"
#include "slice.h"

/* The longest list entry or X-Forwarded-For item looked at: an IPv6
 * address (45 bytes with an embedded IPv4 one), brackets, a port or a
 * prefix length. Longer ones are malformed without a closer look. */
#define PROXY_MAX_ITEM 64

struct proxies;

/*
 * Parse a list of trusted proxies: IPv4 and IPv6 addresses and CIDR
 * prefixes, separated by blanks and/or commas, as in
 *
 *     10.0.0.0/8 172.16.0.0/12, 192.168.0.0/16 127.0.0.1 ::1 2001:db8::/32
 *
 * A bare address is a /32 (IPv4) or /128 (IPv6). The list is a netrange
 * set (netrange.h), its entries named "trusted proxy" in messages;
 * addresses are read as inet_pton() reads them (no leading zeros in
 * IPv4, which some parsers read as octal). Refused with BS_USAGE and a message naming the entry: anything
 * that is not an address, a prefix length out of range (/33 for IPv4) or
 * not plain decimal, a zone id (fe80::1%eth0), and a prefix with host bits
 * set (10.0.0.1/8): it is refused, not masked, because it is ambiguous
 * (the network 10.0.0.0/8 or the host 10.0.0.1?) and masking would trust
 * 16 million addresses for a typo; the message names the network.
 *
 * An empty list (or NULL, or separators only) trusts nothing. Overlapping
 * entries are fine. Caller frees with proxies_free().
 */
struct proxies *proxies_parse(const char *list, struct bs_err *err);

/* Free a list; proxies_free(NULL) is a no-op. */
void proxies_free(struct proxies *px);

/* The number of prefixes kept: entries less those inside another. */
size_t proxies_count(const struct proxies *px);

/*
 * 1 when addr (n bytes, not NUL-terminated, exactly an IPv4 or IPv6
 * address: no blanks, brackets or port) is in the list, else 0; also 0
 * for anything that is not an address (a zone id included), and for px
 * NULL. A binary search over the sorted, disjoint prefixes: O(log
 * entries), no allocation.
 */
int proxies_contains(const struct proxies *px, const char *addr, size_t n);

/*
 * The client address of a request: conn is the connection address (the
 * log's client field), xff the X-Forwarded-For header as logged (empty
 * or "-" when there was none). Returns a slice into conn or into xff,
 * never a copy:
 *
 *  - conn itself when px is NULL, when conn is not a trusted proxy
 *    (anyone can send X-Forwarded-For), or when xff is empty or "-";
 *  - else, walking the comma-separated items of xff from the right, the
 *    first that is not trusted; when all are, the left-most.
 *
 * An item is an address with optional blanks (spaces, tabs) around it.
 * Also accepted, and returned without the decoration: "1.2.3.4:5678",
 * "[2001:db8::1]" and "[2001:db8::1]:443" (some load balancers append the
 * port). Anything else is malformed: "unknown", RFC 7239's obfuscated
 * "_hidden", an empty item ("a,,b"), a zone id, a hostname, junk. A
 * malformed item stops the walk, and the result is the last trusted
 * address seen (the item to its right, or conn): a trusted proxy wrote
 * the malformed item, so the client is hidden behind it, and what lies
 * further left came from an unknown party.
 *
 * No allocation; one pass over xff from the right, each item parsed once
 * (items over PROXY_MAX_ITEM bytes are malformed without a closer look), so
 * the work is linear in the length of the header.
 */
struct slice proxies_client(const struct proxies *px, struct slice conn,
                            struct slice xff);

#endif
