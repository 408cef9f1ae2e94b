// The Node-API face of the verifier: verifyOne(publicKey, message, signature) -> boolean and
// verifyPacked(packed, count) -> Uint8Array, where packed is the batch layout of
// crypto/ed25519/batch-wire.ts (per item: key 32 | signature 64 | message length u32 BE |
// message). Wrong lengths and malformed layouts throw; the TypeScript side checks both first.
#include <node_api.h>
#include <stdlib.h>

#include "verify.h"

static int bytes_of(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, v, &type, len, &raw, &buffer, &offset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "expected a Uint8Array");
    return 0;
  }
  *data = raw;
  return 1;
}

static napi_value verify_one(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 3) {
    napi_throw_type_error(env, NULL, "verifyOne(publicKey, message, signature)");
    return NULL;
  }
  uint8_t *pk, *msg, *sig;
  size_t pk_len, msg_len, sig_len;
  if (!bytes_of(env, argv[0], &pk, &pk_len) || !bytes_of(env, argv[1], &msg, &msg_len) ||
      !bytes_of(env, argv[2], &sig, &sig_len))
    return NULL;
  int ok = 0;
  if (pk_len == 32 && sig_len == 64) {
    ubn_signed item = {pk, sig, msg, msg_len};
    ok = ubn_verify_one(&item);
  }
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

static napi_value verify_packed(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *packed;
  size_t len;
  uint32_t count;
  if (argc != 2 || !bytes_of(env, argv[0], &packed, &len) || napi_get_value_uint32(env, argv[1], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "verifyPacked(packed, count)");
    return NULL;
  }
  ubn_signed *items = malloc(sizeof(ubn_signed) * (count > 0 ? count : 1));
  if (items == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  size_t pos = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (len - pos < 100) {
      free(items);
      napi_throw_range_error(env, NULL, "packed batch shorter than its count");
      return NULL;
    }
    const uint8_t *h = packed + pos;
    size_t msg_len = ((size_t)h[96] << 24) | ((size_t)h[97] << 16) | ((size_t)h[98] << 8) | h[99];
    if (len - pos - 100 < msg_len) {
      free(items);
      napi_throw_range_error(env, NULL, "packed message runs past the batch");
      return NULL;
    }
    items[i] = (ubn_signed){h, h + 32, h + 100, msg_len};
    pos += 100 + msg_len;
  }
  napi_value arraybuffer, result;
  void *out;
  if (napi_create_arraybuffer(env, count, &out, &arraybuffer) != napi_ok ||
      napi_create_typedarray(env, napi_uint8_array, count, arraybuffer, 0, &result) != napi_ok) {
    free(items);
    return NULL;
  }
  int rc = ubn_verify_many(items, count, out);
  free(items);
  if (rc != 0) {
    napi_throw_error(env, NULL, "verification ran out of memory");
    return NULL;
  }
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"verifyOne", NULL, verify_one, NULL, NULL, NULL, napi_enumerable, NULL},
      {"verifyPacked", NULL, verify_packed, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}
