/*
 * table.h - the two hash tables every stage uses: a string interning
 * table (bytes -> dense id) and a counter map (64-bit key -> 64-bit sum).
 *
 * Both use open addressing with linear probing and grow by doubling; keys
 * of a strtab are copied once into the table's arena, so a per-line
 * lookup of a key seen before allocates nothing.
 */
#ifndef BLOGSTAT_TABLE_H
#define BLOGSTAT_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct strtab;

/* A new empty table; caller frees with strtab_free(). */
struct strtab *strtab_new(void);
void strtab_free(struct strtab *t);

/*
 * The id of key (n bytes, any content, NUL included), adding it when it
 * is new (then *added, if not NULL, is set to 1, else to 0). Ids are dense:
 * 0, 1, 2 ... in the order keys were added, so callers keep their values in
 * arrays indexed by id.
 */
uint32_t strtab_intern(struct strtab *t, const void *key, size_t n,
                       int *added);
/* Same, with the hash already computed by bs_hash(key, n). */
uint32_t strtab_intern_hashed(struct strtab *t, const void *key, size_t n,
                              uint64_t hash, int *added);
/* The id of key, or -1 when the table does not hold it. */
int64_t strtab_find(const struct strtab *t, const void *key, size_t n);
/* The key of id (NUL-terminated copy, owned by the table) and its size. */
const char *strtab_key(const struct strtab *t, uint32_t id, size_t *n);
uint32_t strtab_count(const struct strtab *t);
/* Forget every key; ids restart at 0. Memory is kept for reuse. */
void strtab_clear(struct strtab *t);
/* Bytes held by the table and its keys. */
size_t strtab_memory(const struct strtab *t);

struct cntmap;

struct cntmap *cntmap_new(void);
void cntmap_free(struct cntmap *m);
/* Add delta to the value of key (a new key starts at 0). UINT64_MAX is not
 * a valid key. */
void cntmap_add(struct cntmap *m, uint64_t key, uint64_t delta);
/* The value of key, 0 when absent. */
uint64_t cntmap_get(const struct cntmap *m, uint64_t key);
size_t cntmap_count(const struct cntmap *m);
/*
 * Iterate: start with *pos = 0; each call stores the next entry and
 * returns 1, or returns 0 at the end. The order is unspecified.
 */
int cntmap_next(const struct cntmap *m, size_t *pos, uint64_t *key,
                uint64_t *value);
void cntmap_clear(struct cntmap *m);
size_t cntmap_memory(const struct cntmap *m);

#endif
