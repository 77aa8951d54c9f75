/*
 * sketch.h - a mergeable distinct count, for visitors over any range.
 *
 * Up to SKETCH_SPARSE_MAX distinct 64-bit hashes are kept as a sorted
 * list: the count is exact (but for hash collisions, about 1 in 10^13).
 * Past that the sketch becomes a HyperLogLog of 2^14 one-byte registers,
 * whose standard error is 1.04 / sqrt(16384) = 0.81% over the whole range
 * (within 2% at 10,000 distinct, 19 times in 20 within 1.6%). A set of
 * more than SKETCH_SPARSE_MAX is always estimated, however and in
 * whatever order it was built. Two sketches merge into the sketch of the
 * union, so visitors of a week are the union of its days, not their sum.
 *
 * The hashes must be uniformly distributed (keyed SipHash, see
 * visitor.h); the sketch stores no more of them than the list above.
 */
#ifndef BLOGSTAT_SKETCH_H
#define BLOGSTAT_SKETCH_H

#include "blogstat.h"

#define SKETCH_SPARSE_MAX 2048
#define SKETCH_P 14
#define SKETCH_M (1u << SKETCH_P)

struct sketch;

struct sketch *sketch_new(void);
void sketch_free(struct sketch *s);
void sketch_add(struct sketch *s, uint64_t hash);
/* Add every element of o to s. */
void sketch_merge(struct sketch *s, const struct sketch *o);
/* Add a serialized sketch; -1 when the blob is not one that
 * sketch_serialize() could write, nor hll bytes sketch_merge_hll() takes
 * (s unchanged). */
int sketch_merge_blob(struct sketch *s, const void *blob, size_t n);
/* The distinct count: exact while sparse, estimated once dense. */
uint64_t sketch_count(const struct sketch *s);
/* The distinct count of a serialized sketch, as sketch_count() of a
 * sketch it was merged into would give, without building one; -1 when the
 * blob is not one sketch_serialize() could write, nor hll bytes
 * sketch_hll_count() takes (*count unchanged). */
int sketch_blob_count(const void *blob, size_t n, uint64_t *count);
/* 1 when the sketch holds no element. */
int sketch_empty(const struct sketch *s);
/* Serialize into a buffer the caller frees; its size in *n. */
unsigned char *sketch_serialize(const struct sketch *s, size_t *n);
/* Forget every element (memory kept for reuse). */
void sketch_clear(struct sketch *s);
/* Bytes held. */
size_t sketch_memory(const struct sketch *s);

/*
 * The same sketches as values of PostgreSQL's hll extension
 * (postgresql-hll, storage schema version 1), so that the server can union
 * them (hll_union, hll_union_agg) and blogstat reads back a union whose
 * count is exactly sketch_count() of the union of the sketches: the hll
 * parameters below hold blogstat's registers (2^14 of them, values up to
 * 51, which 6 bits hold) and keep a set explicit up to the size where the
 * sketch stays a list. An hll value is fed the bit-reversed hash
 * (sketch_hll_hashval()), which gives it the sketch's registers, each at
 * the 14-bit reverse of its index (see sketch_hll.c).
 *
 * sketch_merge_blob() and sketch_blob_count() take these bytes as well as
 * sketch_serialize()'s: the first byte tells them apart (1 or 2 for
 * blogstat's, 0x11 to 0x14 for hll's).
 */
#define SKETCH_HLL_LOG2M SKETCH_P
#define SKETCH_HLL_REGWIDTH 6
#define SKETCH_HLL_EXPTHRESH SKETCH_SPARSE_MAX
#define SKETCH_HLL_SPARSEON 1
/* The parameters as SQL arguments (hll_empty(), hll_add_agg()), and the
 * column type that checks them. */
#define SKETCH_HLL_ARGS "14, 6, 2048, 1"
#define SKETCH_HLL_TYPE "hll(14, 6, 2048, 1)"

/* The value an hll is fed for a hash (hll_add(h, hll_hashval(v))), as
 * the signed bigint PostgreSQL holds. */
int64_t sketch_hll_hashval(uint64_t hash);
/* 1 when p starts like hll bytes (whether or not they are valid). */
int sketch_is_hll(const void *p, size_t n);
/* The hll bytes of a serialized sketch (or of hll bytes, rewritten as the
 * extension writes them), in a buffer the caller frees, its size in
 * *out_n; NULL when blob is neither. The bytes are those the extension
 * builds from the same hashes: EMPTY, EXPLICIT, or SPARSE or FULL
 * registers as it chooses. */
unsigned char *sketch_to_hll(const void *blob, size_t n, size_t *out_n);
/* The hll bytes of s (sketch_to_hll() of sketch_serialize()). */
unsigned char *sketch_serialize_hll(const struct sketch *s, size_t *n);
/* hll bytes as the blob sketch_serialize() writes for the same set, in a
 * buffer the caller frees; NULL when p is not an hll value of the
 * parameters above that the extension could write (EMPTY, EXPLICIT,
 * SPARSE or FULL; never UNDEFINED). */
unsigned char *sketch_from_hll(const void *p, size_t n, size_t *out_n);
/* Add hll bytes to s; -1 (s unchanged) when sketch_from_hll() would
 * give NULL. */
int sketch_merge_hll(struct sketch *s, const void *p, size_t n);
/* The count sketch_count() gives for hll bytes merged into an empty
 * sketch; -1 (*count unchanged) when sketch_from_hll() would give NULL. */
int sketch_hll_count(const void *p, size_t n, uint64_t *count);

#endif
