// Points of edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2) in extended coordinates
// (X : Y : Z : T) with x = X/Z, y = Y/Z, xy = T/Z; the formulas are Hisil, Wong, Carter and
// Dawson's (2008) for a = -1. An addend is kept "cached" as (Y + X, Y - X, Z, 2dT).
#ifndef UBN_POINT_H
#define UBN_POINT_H

#include "field.h"

typedef struct {
  fe X, Y, Z, T;
} ge;

typedef struct {
  fe YpX, YmX, Z, T2d;
} ge_cached;

static inline void ge_identity(ge *p) {
  p->X = FE_ZERO;
  p->Y = FE_ONE;
  p->Z = FE_ONE;
  p->T = FE_ZERO;
}

static inline void ge_to_cached(ge_cached *c, const ge *p) {
  fe_add(&c->YpX, &p->Y, &p->X);
  fe_carry(&c->YpX);
  fe_sub(&c->YmX, &p->Y, &p->X);
  c->Z = p->Z;
  fe_mul(&c->T2d, &p->T, &FE_D2);
}

static inline void ge_neg(ge *r, const ge *p) {
  fe_neg(&r->X, &p->X);
  r->Y = p->Y;
  r->Z = p->Z;
  fe_neg(&r->T, &p->T);
}

// r = p + q, or p - q when subtract is set.
static inline void ge_add_cached(ge *r, const ge *p, const ge_cached *q, int subtract) {
  fe a, b, c, d, e, f, g, h, t;
  fe_sub(&t, &p->Y, &p->X);
  fe_mul(&a, &t, subtract ? &q->YpX : &q->YmX);
  fe_add(&t, &p->Y, &p->X);
  fe_mul(&b, &t, subtract ? &q->YmX : &q->YpX);
  fe_mul(&c, &p->T, &q->T2d);
  fe_mul(&d, &p->Z, &q->Z);
  fe_add(&d, &d, &d);
  fe_sub(&e, &b, &a);
  fe_add(&h, &b, &a);
  if (subtract) {
    fe_add(&f, &d, &c);
    fe_sub(&g, &d, &c);
  } else {
    fe_sub(&f, &d, &c);
    fe_add(&g, &d, &c);
  }
  fe_mul(&r->X, &e, &f);
  fe_mul(&r->Y, &g, &h);
  fe_mul(&r->T, &e, &h);
  fe_mul(&r->Z, &f, &g);
}

// r = 2p. T of the input is not read.
static inline void ge_double(ge *r, const ge *p) {
  fe a, b, c, ab, e, g, f, h, t;
  fe_sq(&a, &p->X);
  fe_sq(&b, &p->Y);
  fe_sq(&c, &p->Z);
  fe_add(&c, &c, &c);
  fe_add(&ab, &a, &b);
  fe_add(&t, &p->X, &p->Y);
  fe_sq(&t, &t);
  fe_sub(&e, &t, &ab);
  fe_sub(&g, &b, &a);
  fe_sub(&f, &g, &c);
  fe_neg(&h, &ab);
  fe_mul(&r->X, &e, &f);
  fe_mul(&r->Y, &g, &h);
  fe_mul(&r->T, &e, &h);
  fe_mul(&r->Z, &f, &g);
}

static inline int ge_is_identity(const ge *p) { return fe_iszero(&p->X) && fe_equal(&p->Y, &p->Z); }

// [8]p is the identity: p is one of the eight points of small order.
static inline int ge_is_small_order(const ge *p) {
  ge q;
  ge_double(&q, p);
  ge_double(&q, &q);
  ge_double(&q, &q);
  return ge_is_identity(&q);
}

// The strict decoding of RFC 8032 section 5.1.3: 0 when y >= p, when x^2 has no root, or for
// the "negative zero" (x = 0 with the sign bit set); 1 and the point otherwise.
static inline int ge_decode_strict(ge *p, const uint8_t s[32]) {
  // y < p: only y in [p, 2^255) is too big (bytes ed..ff, then 30 bytes ff, then 7f).
  if ((s[31] & 0x7f) == 0x7f) {
    int all_ff = 1;
    for (int i = 30; i >= 1; i--)
      if (s[i] != 0xff) { all_ff = 0; break; }
    if (all_ff && s[0] >= 0xed) return 0;
  }
  const int sign = s[31] >> 7;
  fe y, y2, u, v, v3, vxx, x, t;
  fe_frombytes(&y, s);
  fe_sq(&y2, &y);
  fe_sub(&u, &y2, &FE_ONE);
  fe_mul(&v, &y2, &FE_D);
  fe_add(&v, &v, &FE_ONE);
  fe_carry(&v);
  // x = u v^3 (u v^7)^((p - 5) / 8)
  fe_sq(&v3, &v);
  fe_mul(&v3, &v3, &v);
  fe_sq(&t, &v3);
  fe_mul(&t, &t, &v);
  fe_mul(&t, &t, &u);
  fe_pow22523(&t, &t);
  fe_mul(&t, &t, &v3);
  fe_mul(&x, &t, &u);
  fe_sq(&vxx, &x);
  fe_mul(&vxx, &vxx, &v);
  if (!fe_equal(&vxx, &u)) {
    fe nu;
    fe_neg(&nu, &u);
    if (!fe_equal(&vxx, &nu)) return 0;
    fe_mul(&x, &x, &FE_SQRTM1);
  }
  if (fe_iszero(&x)) {
    if (sign) return 0;
  } else if (fe_isnegative(&x) != sign) {
    fe_neg(&x, &x);
  }
  p->X = x;
  p->Y = y;
  p->Z = FE_ONE;
  fe_mul(&p->T, &x, &y);
  return 1;
}

#endif
