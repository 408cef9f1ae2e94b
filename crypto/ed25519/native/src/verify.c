// The rule, cofactored: S < L; A and R decode strictly (y < p, no negative zero) and are not
// of small order; [8]([S]B - R - [k]A) is the identity, k = SHA-512(R || A || M) mod L.
//
// Many signatures are checked at once as [8]([sum z_i S_i]B - sum [z_i]R_i - sum [z_i k_i]A_i)
// with random 128-bit z_i: each term that is not the identity after [8] lies in the group of
// prime order L, so a batch with an invalid signature passes with probability about 2^-128.
// The factor 8 is why the rule is cofactored: without it the torsion parts of crafted
// signatures could cancel for some choices of z_i, and a batch's verdict would not be the
// verdict of its signatures one by one. A batch that fails is searched for its invalid
// signatures (settle_failing).
#include "verify.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "point.h"
#include "scalar.h"
#include "sha512.h"

#define WINDOW 5
#define TABLE_SIZE 8  // odd multiples 1P, 3P, ..., 15P
#define NAF_SIZE 264
// Batches are checked in groups of at most this many (bounds the tables' memory at about
// 650 KB; larger groups save little more with this method).
#define MAX_GROUP 256

static const ge BASE = {
    {{0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL, 0x1ff60527118feULL, 0x216936d3cd6e5ULL}},
    {{0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL, 0x3333333333333ULL, 0x6666666666666ULL}},
    {{1, 0, 0, 0, 0}},
    {{0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL, 0x332b375274732ULL, 0x67875f0fd78b7ULL}},
};

typedef struct {
  ge neg_r, neg_a;
  sc s, k;
} prepared;

// Decoded public keys, per thread: the same senders and validators sign again and again, and a
// key's strict decoding and small-order check cost about a quarter of its share of a batch.
// Direct-mapped by the key's low bytes; a collision only costs a decoding.
#define KEY_CACHE_SLOTS 16384
typedef struct {
  uint8_t key[32];
  uint8_t filled;
  ge neg_point;
} key_slot;
static pthread_key_t key_cache_key;
static pthread_once_t key_cache_once = PTHREAD_ONCE_INIT;

// The thread's cache is freed when the thread ends (a worker thread that is replaced).
static void make_key_cache_key(void) { pthread_key_create(&key_cache_key, free); }

static key_slot *thread_key_cache(void) {
  pthread_once(&key_cache_once, make_key_cache_key);
  key_slot *cache = pthread_getspecific(key_cache_key);
  if (cache == NULL) {
    cache = calloc(KEY_CACHE_SLOTS, sizeof(key_slot));
    if (cache != NULL && pthread_setspecific(key_cache_key, cache) != 0) {
      free(cache);
      cache = NULL;
    }
  }
  return cache;
}

// -A for a valid public key (strict decoding, not of small order); 0 if it is not one.
static int negated_key(ge *neg_a, const uint8_t key[32]) {
  key_slot *key_cache = thread_key_cache();
  key_slot *slot = NULL;
  if (key_cache != NULL) {
    uint32_t h = (uint32_t)key[0] | ((uint32_t)key[1] << 8) | ((uint32_t)key[2] << 16);
    slot = &key_cache[h % KEY_CACHE_SLOTS];
    if (slot->filled && memcmp(slot->key, key, 32) == 0) {
      *neg_a = slot->neg_point;
      return 1;
    }
  }
  ge a;
  if (!ge_decode_strict(&a, key) || ge_is_small_order(&a)) return 0;
  ge_neg(neg_a, &a);
  if (slot != NULL) {
    memcpy(slot->key, key, 32);
    slot->neg_point = *neg_a;
    slot->filled = 1;
  }
  return 1;
}

typedef struct {
  ge_cached t[TABLE_SIZE];
} table;

// Everything of the rule that does not need the equation; 0 if the signature already fails.
static int prepare(prepared *p, const ubn_signed *item) {
  const uint8_t *r_bytes = item->signature, *s_bytes = item->signature + 32;
  if (!sc_is_canonical(s_bytes)) return 0;
  ge r;
  if (!negated_key(&p->neg_a, item->public_key)) return 0;
  if (!ge_decode_strict(&r, r_bytes) || ge_is_small_order(&r)) return 0;
  sha512_ctx h;
  uint8_t digest[64];
  sha512_init(&h);
  sha512_update(&h, r_bytes, 32);
  sha512_update(&h, item->public_key, 32);
  sha512_update(&h, item->message, item->message_length);
  sha512_final(&h, digest);
  sc_reduce512(&p->k, digest);
  sc_from_bytes(&p->s, s_bytes);
  ge_neg(&p->neg_r, &r);
  return 1;
}

static void build_table(table *tb, const ge *p) {
  ge p2, acc = *p;
  ge_cached p2c;
  ge_double(&p2, p);
  ge_to_cached(&p2c, &p2);
  ge_to_cached(&tb->t[0], &acc);
  for (int i = 1; i < TABLE_SIZE; i++) {
    ge_add_cached(&acc, &acc, &p2c, 0);
    ge_to_cached(&tb->t[i], &acc);
  }
}

// Signed digits in (-16, 16), odd or zero, with at least WINDOW - 1 zeros after each nonzero
// one; sum naf[i] 2^i = s. Returns the highest nonzero position, or -1 for s = 0.
static int wnaf(int8_t naf[NAF_SIZE], const sc *s) {
  const uint64_t width = 1u << WINDOW, mask = width - 1;
  uint64_t x[6] = {s->v[0], s->v[1], s->v[2], s->v[3], 0, 0};
  memset(naf, 0, NAF_SIZE);
  uint64_t carry = 0;
  int pos = 0, top = -1;
  while (pos < 258) {
    int idx = pos / 64, bit = pos % 64;
    uint64_t buf = bit < 64 - WINDOW ? x[idx] >> bit : (x[idx] >> bit) | (x[idx + 1] << (64 - bit));
    uint64_t window = carry + (buf & mask);
    if ((window & 1) == 0) {
      pos += 1;
      continue;
    }
    if (window < width / 2) {
      carry = 0;
      naf[pos] = (int8_t)window;
    } else {
      carry = 1;
      naf[pos] = (int8_t)((int64_t)window - (int64_t)width);
    }
    top = pos;
    pos += WINDOW;
  }
  return top;
}

// sum [scalars[j]] points[j], by Straus's method: one chain of doublings shared by all.
static int multi_scalar_mul(ge *out, const ge *const *points, const sc *scalars, size_t m) {
  table *tables = malloc(sizeof(table) * m);
  int8_t *nafs = malloc((size_t)NAF_SIZE * m);
  if (tables == NULL || nafs == NULL) {
    free(tables);
    free(nafs);
    return -1;
  }
  int top = -1;
  for (size_t j = 0; j < m; j++) {
    build_table(&tables[j], points[j]);
    int t = wnaf(nafs + (size_t)NAF_SIZE * j, &scalars[j]);
    if (t > top) top = t;
  }
  ge q;
  ge_identity(&q);
  for (int pos = top; pos >= 0; pos--) {
    ge_double(&q, &q);
    for (size_t j = 0; j < m; j++) {
      int d = nafs[(size_t)NAF_SIZE * j + (size_t)pos];
      if (d > 0) ge_add_cached(&q, &q, &tables[j].t[d >> 1], 0);
      else if (d < 0) ge_add_cached(&q, &q, &tables[j].t[(-d) >> 1], 1);
    }
  }
  free(tables);
  free(nafs);
  *out = q;
  return 0;
}

static int random_bytes(uint8_t *buf, size_t len) {
  while (len > 0) {
    ssize_t got = getrandom(buf, len, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += got;
    len -= (size_t)got;
  }
  return 0;
}

// 1 if the equation holds for all of p[0 .. n) together, 0 if not, -1 on a resource failure.
// One signature is checked with z = 1, exactly.
static int equation_holds(const prepared *p, size_t n) {
  size_t m = 2 * n + 1;
  const ge **points = malloc(sizeof(ge *) * m);
  sc *scalars = malloc(sizeof(sc) * m);
  uint8_t *z_bytes = malloc(16 * n);
  if (points == NULL || scalars == NULL || z_bytes == NULL || (n > 1 && random_bytes(z_bytes, 16 * n) != 0)) {
    free(points);
    free(scalars);
    free(z_bytes);
    return -1;
  }
  sc s_sum = {{0, 0, 0, 0}};
  for (size_t i = 0; i < n; i++) {
    sc z = {{1, 0, 0, 0}};
    if (n > 1) {
      memcpy(&z.v[0], z_bytes + 16 * i, 8);
      memcpy(&z.v[1], z_bytes + 16 * i + 8, 8);
    }
    sc zs;
    sc_mul(&zs, &z, &p[i].s);
    sc_add(&s_sum, &s_sum, &zs);
    points[2 * i] = &p[i].neg_r;
    scalars[2 * i] = z;
    points[2 * i + 1] = &p[i].neg_a;
    sc_mul(&scalars[2 * i + 1], &z, &p[i].k);
  }
  points[2 * n] = &BASE;
  scalars[2 * n] = s_sum;
  ge sum;
  int rc = multi_scalar_mul(&sum, points, scalars, m);
  free(points);
  free(scalars);
  free(z_bytes);
  if (rc != 0) return -1;
  return ge_is_small_order(&sum);
}

static void mark_valid(const size_t *index, size_t n, uint8_t *results) {
  for (size_t i = 0; i < n; i++) results[index[i]] = 1;
}

// Marks the valid signatures of p[0 .. n), a group whose combined equation failed (through
// index, in results). The halves are checked; a half that holds is valid, one failing half is
// searched the same way, and when both fail the bad signatures are many and each is checked
// alone. So one bad signature in n costs about 2 log2(n) half-size checks, and a group of bad
// ones costs at most about twice their single checks: flooding a node with invalid signatures
// cannot make it do much more work than checking them one by one (1.5 times, docs/crypto.md).
static int settle_failing(const prepared *p, const size_t *index, size_t n, uint8_t *results) {
  if (n == 1) return 0;
  size_t half = n / 2;
  int first = equation_holds(p, half), second = equation_holds(p + half, n - half);
  if (first < 0 || second < 0) return -1;
  if (first) mark_valid(index, half, results);
  if (second) mark_valid(index + half, n - half, results);
  if (!first && !second) {
    for (size_t i = 0; i < n; i++) {
      int holds = equation_holds(p + i, 1);
      if (holds < 0) return -1;
      if (holds) results[index[i]] = 1;
    }
    return 0;
  }
  if (!first) return settle_failing(p, index, half, results);
  if (!second) return settle_failing(p + half, index + half, n - half, results);
  return 0;
}

static int settle(const prepared *p, const size_t *index, size_t n, uint8_t *results) {
  int holds = equation_holds(p, n);
  if (holds < 0) return -1;
  if (holds) {
    mark_valid(index, n, results);
    return 0;
  }
  return settle_failing(p, index, n, results);
}

int ubn_verify_one(const ubn_signed *item) {
  prepared p;
  if (!prepare(&p, item)) return 0;
  return equation_holds(&p, 1) == 1;
}

int ubn_verify_many(const ubn_signed *items, size_t count, uint8_t *results) {
  memset(results, 0, count);
  size_t group = count < MAX_GROUP ? count : MAX_GROUP;
  prepared *p = malloc(sizeof(prepared) * (group > 0 ? group : 1));
  size_t *index = malloc(sizeof(size_t) * (group > 0 ? group : 1));
  if (p == NULL || index == NULL) {
    free(p);
    free(index);
    return -1;
  }
  int rc = 0;
  size_t n = 0;
  for (size_t i = 0; i < count && rc == 0; i++) {
    if (prepare(&p[n], &items[i])) index[n++] = i;
    if (n == group || (i + 1 == count && n > 0)) {
      rc = settle(p, index, n, results);
      n = 0;
    }
  }
  free(p);
  free(index);
  return rc;
}
