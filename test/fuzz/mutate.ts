import type { Prng } from "../../consensus/sim/prng.ts";

// Type bytes that steer a MessagePack decoder into its interesting branches.
const INTERESTING = [
  0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca,
  0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd3, 0xd4, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff, 0x42,
];

/** One to four random edits of a valid encoding. */
export function mutate(rng: Prng, input: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  let b = Array.from(input);
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const at = b.length === 0 ? 0 : rng.int(b.length);
    switch (rng.int(8)) {
      case 0:
        if (b.length) b[at] = (b[at] as number) ^ (1 << rng.int(8));
        break;
      case 1:
        if (b.length) b[at] = rng.pick(INTERESTING);
        break;
      case 2:
        b.splice(at, 0, rng.pick(INTERESTING));
        break;
      case 3:
        b.splice(at, 1 + rng.int(4));
        break;
      case 4:
        b = b.slice(0, at);
        break;
      case 5:
        b.push(...rng.bytes(1 + rng.int(8)));
        break;
      case 6: {
        const other = rng.pick(corpus);
        b.splice(at, 0, ...other.subarray(rng.int(other.length + 1)));
        break;
      }
      default:
        if (b.length) b[at] = rng.int(256);
    }
  }
  return Uint8Array.from(b);
}
