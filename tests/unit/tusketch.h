/*
 * tusketch.h - the elements the sketch tests count: well-mixed 64-bit
 * hashes, as visitor.h makes them; here the SplitMix64 finalizer of
 * (seed, counter), so that a seed picks a set and the same (seed, i) is
 * the same element in any sketch. Header-only, for test_sketch*.c.
 */
#ifndef BLOGSTAT_TUSKETCH_H
#define BLOGSTAT_TUSKETCH_H

#include "sketch.h"

/* SplitMix64's output function: a bijection of u64, well mixed. */
static inline uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Element i of the population of seed: distinct for distinct (seed, i)
 * with i < 2^32 and seed < 2^31. */
static inline uint64_t elem(uint32_t seed, uint64_t i)
{
    return mix(((uint64_t)seed << 32 | i) * 0x9E3779B97F4A7C15ull);
}

/* A sketch of elements [from, to) of seed. */
static inline struct sketch *range(uint32_t seed, uint64_t from, uint64_t to)
{
    struct sketch *s = sketch_new();

    for (uint64_t i = from; i < to; i++)
        sketch_add(s, elem(seed, i));
    return s;
}

#endif
