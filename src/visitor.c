/*
 * visitor.c - libsodium's SipHash and random bytes.
 */
#include "blogstat.h"
#include "visitor.h"

#include <sodium.h>
#include <string.h>

_Static_assert(VISITOR_KEY_BYTES == crypto_shorthash_siphash24_KEYBYTES,
               "a SipHash key");

void visitor_key_new(unsigned char key[VISITOR_KEY_BYTES])
{
    if (sodium_init() < 0)
        BUG("sodium_init failed");
    randombytes_buf(key, VISITOR_KEY_BYTES);
}

static uint64_t le64(const unsigned char b[8])
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

uint64_t visitor_id(const unsigned char key[VISITOR_KEY_BYTES],
                    const char *addr, size_t addr_n, const char *ua,
                    size_t ua_n)
{
    unsigned char buf[1024], out[8];
    size_t n;

    /* Bounded: a longer User-Agent is the same visitor by its start. */
    if (addr_n > 64)
        addr_n = 64;
    if (ua_n > sizeof(buf) - 65)
        ua_n = sizeof(buf) - 65;
    /* Empty fields may come as NULL: memcpy must not see it. */
    if (addr_n)
        memcpy(buf, addr, addr_n);
    buf[addr_n] = '\0';
    if (ua_n)
        memcpy(buf + addr_n + 1, ua, ua_n);
    n = addr_n + 1 + ua_n;
    crypto_shorthash_siphash24(out, buf, n, key);
    return le64(out);
}

uint64_t visitor_day_id(const unsigned char salt[VISITOR_KEY_BYTES],
                        uint64_t id)
{
    unsigned char in[8], out[8];

    for (int i = 0; i < 8; i++, id >>= 8)
        in[i] = (unsigned char)id;
    crypto_shorthash_siphash24(out, in, sizeof(in), salt);
    return le64(out);
}

uint64_t visitor_key_check(const unsigned char key[VISITOR_KEY_BYTES])
{
    static const char what[] = "blogstat visitor key check";

    return visitor_id(key, what, sizeof(what) - 1, "", 0);
}
