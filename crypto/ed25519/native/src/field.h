// Arithmetic modulo p = 2^255 - 19 in radix 2^51: five 64-bit limbs, products in 128 bits.
// Variable time throughout: this code only verifies, and everything it sees is public.
//
// Limb bounds: outputs of fe_mul, fe_sq, fe_sub and fe_carry are below 2^52; fe_add of two
// such values is below 2^53; fe_mul and fe_sq accept inputs below 2^54.
#ifndef UBN_FIELD_H
#define UBN_FIELD_H

#include <stdint.h>
#include <string.h>

#include "words.h"

typedef struct {
  uint64_t v[5];
} fe;

#define FE_MASK ((1ULL << 51) - 1)

static const fe FE_ZERO = {{0, 0, 0, 0, 0}};
static const fe FE_ONE = {{1, 0, 0, 0, 0}};
// d = -121665/121666, 2d and sqrt(-1), each reduced.
static const fe FE_D = {{0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL, 0x739c663a03cbbULL, 0x52036cee2b6ffULL}};
static const fe FE_D2 = {{0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL}};
static const fe FE_SQRTM1 = {{0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL, 0x2b8324804fc1dULL}};

static inline void fe_carry(fe *h) {
  uint64_t c;
  c = h->v[0] >> 51; h->v[0] &= FE_MASK; h->v[1] += c;
  c = h->v[1] >> 51; h->v[1] &= FE_MASK; h->v[2] += c;
  c = h->v[2] >> 51; h->v[2] &= FE_MASK; h->v[3] += c;
  c = h->v[3] >> 51; h->v[3] &= FE_MASK; h->v[4] += c;
  c = h->v[4] >> 51; h->v[4] &= FE_MASK; h->v[0] += 19 * c;
}

static inline void fe_add(fe *h, const fe *f, const fe *g) {
  for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
}

// f - g + 4p, so that no limb goes negative for g below 2^53.
static inline void fe_sub(fe *h, const fe *f, const fe *g) {
  h->v[0] = f->v[0] + 0x1fffffffffffb4ULL - g->v[0];
  h->v[1] = f->v[1] + 0x1ffffffffffffcULL - g->v[1];
  h->v[2] = f->v[2] + 0x1ffffffffffffcULL - g->v[2];
  h->v[3] = f->v[3] + 0x1ffffffffffffcULL - g->v[3];
  h->v[4] = f->v[4] + 0x1ffffffffffffcULL - g->v[4];
  fe_carry(h);
}

static inline void fe_neg(fe *h, const fe *f) { fe_sub(h, &FE_ZERO, f); }

// Carries five 128-bit column sums into h.
static inline void fe_reduce_wide(fe *h, u128 t0, u128 t1, u128 t2, u128 t3, u128 t4) {
  t1 += (uint64_t)(t0 >> 51);
  uint64_t r0 = (uint64_t)t0 & FE_MASK;
  t2 += (uint64_t)(t1 >> 51);
  uint64_t r1 = (uint64_t)t1 & FE_MASK;
  t3 += (uint64_t)(t2 >> 51);
  uint64_t r2 = (uint64_t)t2 & FE_MASK;
  t4 += (uint64_t)(t3 >> 51);
  uint64_t r3 = (uint64_t)t3 & FE_MASK;
  uint64_t r4 = (uint64_t)t4 & FE_MASK;
  u128 x = (u128)(uint64_t)(t4 >> 51) * 19 + r0;
  r0 = (uint64_t)x & FE_MASK;
  r1 += (uint64_t)(x >> 51);
  h->v[0] = r0; h->v[1] = r1; h->v[2] = r2; h->v[3] = r3; h->v[4] = r4;
}

static inline void fe_mul(fe *h, const fe *f, const fe *g) {
  const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
  const uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
  const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
  u128 t0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 + (u128)f4 * g1_19;
  u128 t1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 + (u128)f4 * g2_19;
  u128 t2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 + (u128)f4 * g3_19;
  u128 t3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
  u128 t4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
  fe_reduce_wide(h, t0, t1, t2, t3, t4);
}

static inline void fe_sq(fe *h, const fe *f) {
  const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
  const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f3_19 = 19 * f3, f4_19 = 19 * f4;
  u128 t0 = (u128)f0 * f0 + (u128)f1_2 * f4_19 + (u128)(2 * f2) * f3_19;
  u128 t1 = (u128)f0_2 * f1 + (u128)(2 * f2) * f4_19 + (u128)f3 * f3_19;
  u128 t2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)(2 * f3) * f4_19;
  u128 t3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4 * f4_19;
  u128 t4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
  fe_reduce_wide(h, t0, t1, t2, t3, t4);
}

static inline void fe_sqn(fe *h, const fe *f, int n) {
  fe_sq(h, f);
  for (int i = 1; i < n; i++) fe_sq(h, h);
}

// z^(2^250 - 1), and z^11 in *z11: the common part of inversion and the square root.
static inline void fe_pow2_250_1(fe *out, fe *z11, const fe *z) {
  fe t0, t1, t2, t3;
  fe_sq(&t0, z);          // z^2
  fe_sqn(&t1, &t0, 2);    // z^8
  fe_mul(&t1, &t1, z);    // z^9
  fe_mul(z11, &t0, &t1);  // z^11
  fe_sq(&t2, z11);        // z^22
  fe_mul(&t1, &t1, &t2);  // z^31 = z^(2^5 - 1)
  fe_sqn(&t2, &t1, 5);
  fe_mul(&t1, &t2, &t1);  // 2^10 - 1
  fe_sqn(&t2, &t1, 10);
  fe_mul(&t2, &t2, &t1);  // 2^20 - 1
  fe_sqn(&t3, &t2, 20);
  fe_mul(&t2, &t3, &t2);  // 2^40 - 1
  fe_sqn(&t2, &t2, 10);
  fe_mul(&t1, &t2, &t1);  // 2^50 - 1
  fe_sqn(&t2, &t1, 50);
  fe_mul(&t2, &t2, &t1);  // 2^100 - 1
  fe_sqn(&t3, &t2, 100);
  fe_mul(&t2, &t3, &t2);  // 2^200 - 1
  fe_sqn(&t2, &t2, 50);
  fe_mul(out, &t2, &t1);  // 2^250 - 1
}

// z^(p - 2) = z^(2^255 - 21).
static inline void fe_invert(fe *h, const fe *z) {
  fe t, z11;
  fe_pow2_250_1(&t, &z11, z);
  fe_sqn(&t, &t, 5);
  fe_mul(h, &t, &z11);
}

// z^((p - 5) / 8) = z^(2^252 - 3).
static inline void fe_pow22523(fe *h, const fe *z) {
  fe t, z11;
  fe_pow2_250_1(&t, &z11, z);
  fe_sqn(&t, &t, 2);
  fe_mul(h, &t, z);
}

// The canonical 32-byte little-endian encoding (fully reduced below p).
static inline void fe_tobytes(uint8_t s[32], const fe *f) {
  fe h = *f;
  fe_carry(&h);
  fe_carry(&h);
  // Now h < 2^255 + small; q = 1 exactly when h >= p.
  uint64_t q = (h.v[0] + 19) >> 51;
  q = (h.v[1] + q) >> 51;
  q = (h.v[2] + q) >> 51;
  q = (h.v[3] + q) >> 51;
  q = (h.v[4] + q) >> 51;
  h.v[0] += 19 * q;
  uint64_t c;
  c = h.v[0] >> 51; h.v[0] &= FE_MASK; h.v[1] += c;
  c = h.v[1] >> 51; h.v[1] &= FE_MASK; h.v[2] += c;
  c = h.v[2] >> 51; h.v[2] &= FE_MASK; h.v[3] += c;
  c = h.v[3] >> 51; h.v[3] &= FE_MASK; h.v[4] += c;
  h.v[4] &= FE_MASK;
  uint64_t w[4];
  w[0] = h.v[0] | (h.v[1] << 51);
  w[1] = (h.v[1] >> 13) | (h.v[2] << 38);
  w[2] = (h.v[2] >> 26) | (h.v[3] << 25);
  w[3] = (h.v[3] >> 39) | (h.v[4] << 12);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 8; j++) s[8 * i + j] = (uint8_t)(w[i] >> (8 * j));
}

// The low 255 bits of s (the top bit, a sign, is ignored). s may encode a value >= p.
static inline void fe_frombytes(fe *h, const uint8_t s[32]) {
  uint64_t w0 = load64_le(s), w1 = load64_le(s + 8), w2 = load64_le(s + 16), w3 = load64_le(s + 24);
  h->v[0] = w0 & FE_MASK;
  h->v[1] = ((w0 >> 51) | (w1 << 13)) & FE_MASK;
  h->v[2] = ((w1 >> 38) | (w2 << 26)) & FE_MASK;
  h->v[3] = ((w2 >> 25) | (w3 << 39)) & FE_MASK;
  h->v[4] = (w3 >> 12) & FE_MASK;
}

static inline int fe_iszero(const fe *f) {
  uint8_t s[32];
  fe_tobytes(s, f);
  uint8_t acc = 0;
  for (int i = 0; i < 32; i++) acc |= s[i];
  return acc == 0;
}

static inline int fe_equal(const fe *f, const fe *g) {
  fe d;
  fe_sub(&d, f, g);
  return fe_iszero(&d);
}

static inline int fe_isnegative(const fe *f) {
  uint8_t s[32];
  fe_tobytes(s, f);
  return s[0] & 1;
}

#endif
