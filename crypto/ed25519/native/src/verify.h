// Ed25519 verification under the UBN rule (docs/crypto.md, "The rule"), one signature at a time
// or many at once by a random linear combination of their equations.
#ifndef UBN_VERIFY_H
#define UBN_VERIFY_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  const uint8_t *public_key;  // 32 bytes
  const uint8_t *signature;   // 64 bytes: R || S
  const uint8_t *message;
  size_t message_length;
} ubn_signed;

// 1 when the signature is valid, else 0.
int ubn_verify_one(const ubn_signed *item);

// results[i] = ubn_verify_one(&items[i]) for each i, at a fraction of the cost when most are
// valid. Returns 0, or -1 if memory ran out (results then hold nothing).
int ubn_verify_many(const ubn_signed *items, size_t count, uint8_t *results);

#endif
