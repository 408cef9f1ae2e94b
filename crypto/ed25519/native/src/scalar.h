// Integers modulo L = 2^252 + 27742317777372353535851937790883648493, the order of the
// prime subgroup, as four little-endian 64-bit limbs. Reduction is Barrett's (Handbook of
// Applied Cryptography, algorithm 14.42) with base 2^64.
#ifndef UBN_SCALAR_H
#define UBN_SCALAR_H

#include <stdint.h>

typedef struct {
  uint64_t v[4];
} sc;

// x (little-endian 64 bytes) mod L.
void sc_reduce512(sc *out, const uint8_t x[64]);
// a * b mod L (a and b below 2^256).
void sc_mul(sc *out, const sc *a, const sc *b);
// a + b mod L (a and b below L).
void sc_add(sc *out, const sc *a, const sc *b);
// 1 when the 32 little-endian bytes are below L.
int sc_is_canonical(const uint8_t s[32]);
void sc_from_bytes(sc *out, const uint8_t s[32]);

#endif
