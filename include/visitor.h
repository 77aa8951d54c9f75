/*
 * visitor.h - who a reader is, without keeping who they are.
 *
 * A visitor is a (client address, User-Agent) pair within a day. Its
 * identity is a keyed hash (SipHash-2-4, libsodium) under the database's
 * secret key: neither the address nor the User-Agent is kept, and without
 * the key the hash says nothing about them. For visits, which must be
 * followed across two runs while a day is open, that identity is hashed
 * again with a random salt of the day; the salt is deleted when the day
 * is closed, and with it any way to link that day's visits to a person.
 */
#ifndef BLOGSTAT_VISITOR_H
#define BLOGSTAT_VISITOR_H

#include "blogstat.h"

#define VISITOR_KEY_BYTES 16

/* A fresh random key or salt (from the system's generator). */
void visitor_key_new(unsigned char key[VISITOR_KEY_BYTES]);

/* The visitor's identity: SipHash of address, a NUL, User-Agent. */
uint64_t visitor_id(const unsigned char key[VISITOR_KEY_BYTES],
                    const char *addr, size_t addr_n, const char *ua,
                    size_t ua_n);

/* A check of key that says nothing of it: which key a database's counts
 * were made under (store_key_check()). */
uint64_t visitor_key_check(const unsigned char key[VISITOR_KEY_BYTES]);

/* The identity under a day's salt, as kept while the day is open. */
uint64_t visitor_day_id(const unsigned char salt[VISITOR_KEY_BYTES],
                        uint64_t id);

#endif
