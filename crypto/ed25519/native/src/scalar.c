#include "scalar.h"

#include <string.h>

#include "words.h"

static const uint64_t L[4] = {0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0, 0x1000000000000000ULL};
// floor(2^512 / L)
static const uint64_t MU[5] = {0xed9ce5a30a2c131bULL, 0x2106215d086329a7ULL, 0xffffffffffffffebULL,
                               0xffffffffffffffffULL, 0x000000000000000fULL};

// out[0 .. na + nb) = a * b.
static void mul_limbs(uint64_t *out, const uint64_t *a, int na, const uint64_t *b, int nb) {
  memset(out, 0, sizeof(uint64_t) * (size_t)(na + nb));
  for (int i = 0; i < na; i++) {
    uint64_t carry = 0;
    for (int j = 0; j < nb; j++) {
      u128 t = (u128)a[i] * b[j] + out[i + j] + carry;
      out[i + j] = (uint64_t)t;
      carry = (uint64_t)(t >> 64);
    }
    out[i + nb] = carry;
  }
}

// r >= L, over five limbs (the top one is the part above 2^256).
static int geq_l(const uint64_t r[5]) {
  if (r[4] != 0) return 1;
  for (int i = 3; i >= 0; i--) {
    if (r[i] != L[i]) return r[i] > L[i];
  }
  return 1;
}

static void sub_l(uint64_t r[5]) {
  uint64_t borrow = 0;
  for (int i = 0; i < 5; i++) {
    uint64_t li = i < 4 ? L[i] : 0;
    u128 t = (u128)r[i] - li - borrow;
    r[i] = (uint64_t)t;
    borrow = (uint64_t)(t >> 64) & 1;
  }
}

// x is eight limbs (below 2^512).
static void reduce_limbs(sc *out, const uint64_t x[8]) {
  uint64_t q2[10], r2[10], r[5];
  mul_limbs(q2, x + 3, 5, MU, 5);  // q1 = x >> 192; q2 = q1 * mu
  // q3 = q2 >> 320; r2 = q3 * L mod 2^320
  mul_limbs(r2, q2 + 5, 5, L, 4);
  uint64_t borrow = 0;
  for (int i = 0; i < 5; i++) {
    u128 t = (u128)x[i] - r2[i] - borrow;
    r[i] = (uint64_t)t;
    borrow = (uint64_t)(t >> 64) & 1;
  }
  // r = x - q3 * L lies in [0, 3L) and fits in 320 bits, so the borrow above wraps correctly.
  while (geq_l(r)) sub_l(r);
  memcpy(out->v, r, sizeof(out->v));
}

void sc_reduce512(sc *out, const uint8_t x[64]) {
  uint64_t w[8];
  for (int i = 0; i < 8; i++) w[i] = load64_le(x + 8 * i);
  reduce_limbs(out, w);
}

void sc_mul(sc *out, const sc *a, const sc *b) {
  uint64_t w[8];
  mul_limbs(w, a->v, 4, b->v, 4);
  reduce_limbs(out, w);
}

void sc_add(sc *out, const sc *a, const sc *b) {
  uint64_t r[5];
  uint64_t carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 t = (u128)a->v[i] + b->v[i] + carry;
    r[i] = (uint64_t)t;
    carry = (uint64_t)(t >> 64);
  }
  r[4] = carry;
  if (geq_l(r)) sub_l(r);
  memcpy(out->v, r, sizeof(out->v));
}

void sc_from_bytes(sc *out, const uint8_t s[32]) {
  for (int i = 0; i < 4; i++) out->v[i] = load64_le(s + 8 * i);
}

int sc_is_canonical(const uint8_t s[32]) {
  sc x;
  sc_from_bytes(&x, s);
  uint64_t r[5] = {x.v[0], x.v[1], x.v[2], x.v[3], 0};
  return !geq_l(r);
}
