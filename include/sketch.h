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
 * sketch_serialize() could write (s unchanged). */
int sketch_merge_blob(struct sketch *s, const void *blob, size_t n);
/* The distinct count: exact while sparse, estimated once dense. */
uint64_t sketch_count(const struct sketch *s);
/* The distinct count of a serialized sketch, as sketch_count() of a
 * sketch it was merged into would give, without building one; -1 when the
 * blob is not one sketch_serialize() could write (*count unchanged). */
int sketch_blob_count(const void *blob, size_t n, uint64_t *count);
/* 1 when the sketch holds no element. */
int sketch_empty(const struct sketch *s);
/* Serialize into a buffer the caller frees; its size in *n. */
unsigned char *sketch_serialize(const struct sketch *s, size_t *n);
/* Forget every element (memory kept for reuse). */
void sketch_clear(struct sketch *s);
/* Bytes held. */
size_t sketch_memory(const struct sketch *s);

#endif
