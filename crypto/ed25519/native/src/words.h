// The machine words the arithmetic is written in: 128-bit products, and 64-bit little-endian
// loads from byte strings.
#ifndef UBN_WORDS_H
#define UBN_WORDS_H

#include <stdint.h>

typedef unsigned __int128 u128;

static inline uint64_t load64_le(const uint8_t *p) {
  uint64_t x = 0;
  for (int i = 7; i >= 0; i--) x = (x << 8) | p[i];
  return x;
}

#endif
