// SHA-512 (FIPS 180-4), for the challenge k = SHA-512(R || A || M) of a signature.
#ifndef UBN_SHA512_H
#define UBN_SHA512_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint64_t h[8];
  uint8_t buf[128];
  size_t buffered;
  uint64_t total;
} sha512_ctx;

void sha512_init(sha512_ctx *c);
void sha512_update(sha512_ctx *c, const uint8_t *data, size_t len);
void sha512_final(sha512_ctx *c, uint8_t out[64]);

#endif
