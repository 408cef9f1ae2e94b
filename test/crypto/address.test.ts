import { describe, expect, it } from "vitest";
import { Bech32Error, decodeBech32m, decodeBech32mWords, encodeBech32m } from "../../crypto/bech32m.ts";
import {
  AddressError,
  addressBytesOf,
  addressOf,
  formatAddress,
  generateKeyPair,
  isAddress,
  parseAddress,
} from "../../crypto/index.ts";

// Test vectors from BIP-350.
const VALID_BECH32M = [
  "A1LQFN3A",
  "a1lqfn3a",
  "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
  "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
  "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
  "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
  "?1v759aa",
];
const INVALID_BECH32M = [
  "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
  "qyrz8wqd2c9m",
  "1qyrz8wqd2c9m",
  "y1b0jsk6g",
  "lt1igcx5c0",
  "in1muywd",
  "mm1crxm3i",
  "au1s5cgom",
  "M1VUXWEZ",
  "16plkw9",
  "1p2gdwpf",
  // A valid bech32 (not bech32m) string: the constant differs, so it must fail.
  "a12uel5l",
];

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("bech32m", () => {
  it.each(VALID_BECH32M)("accepts BIP-350 vector %s", (s) => {
    // These vectors test the string and checksum layer; not all carry a whole number of bytes.
    const { prefix } = decodeBech32mWords(s);
    expect(prefix).toBe(s.slice(0, s.lastIndexOf("1")).toLowerCase());
  });

  it.each(INVALID_BECH32M)("rejects BIP-350 vector %s with a Bech32Error", (s) => {
    expect(errorOf(() => decodeBech32mWords(s))).toBeInstanceOf(Bech32Error);
  });

  it("round-trips payloads of every length up to 40 bytes", () => {
    for (let n = 0; n <= 40; n++) {
      const payload = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(decodeBech32m(encodeBech32m("isc", payload)).payload).toEqual(payload);
    }
  });
});

describe("addresses", () => {
  const { publicKey } = generateKeyPair();
  const address = addressOf(publicKey);

  it("are isc1 + 20 bytes and parse back", () => {
    expect(address).toMatch(/^isc1[02-9ac-hj-np-z]{38}$/);
    expect(parseAddress(address)).toEqual(addressBytesOf(publicKey));
    expect(formatAddress(parseAddress(address))).toBe(address);
    expect(parseAddress(address.toUpperCase())).toEqual(addressBytesOf(publicKey));
  });

  it("reports every single-character typo as a checksum failure", () => {
    const alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    for (let i = 4; i < address.length; i++) {
      const wrong = alphabet[(alphabet.indexOf(address[i] as string) + 1) % 32] as string;
      const typo = address.slice(0, i) + wrong + address.slice(i + 1);
      const e = errorOf(() => parseAddress(typo));
      expect(e).toBeInstanceOf(AddressError);
      expect((e as AddressError).code).toBe("ADDRESS_BAD_CHECKSUM");
      expect(e.message).toMatch(/mistyped/);
    }
  });

  it("reports two swapped characters as a checksum failure", () => {
    const i = 10;
    const swapped = address.slice(0, i) + address[i + 1] + address[i] + address.slice(i + 2);
    if (swapped !== address)
      expect((errorOf(() => parseAddress(swapped)) as AddressError).code).toBe("ADDRESS_BAD_CHECKSUM");
  });

  it("says what is wrong with other bad input", () => {
    const other = encodeBech32m("btc", addressBytesOf(publicKey));
    expect((errorOf(() => parseAddress(other)) as AddressError).code).toBe("ADDRESS_WRONG_PREFIX");
    expect(errorOf(() => parseAddress(other)).message).toMatch(/start with "isc1"/);
    const short = encodeBech32m("isc", new Uint8Array(19));
    expect((errorOf(() => parseAddress(short)) as AddressError).code).toBe("ADDRESS_BAD_LENGTH");
    expect((errorOf(() => parseAddress("isc1bbbbbb")) as AddressError).code).toBe("ADDRESS_BAD_ENCODING");
    expect((errorOf(() => parseAddress("")) as AddressError).code).toBe("ADDRESS_BAD_ENCODING");
    expect(errorOf(() => parseAddress(`${address.slice(0, 10)}${address.slice(10).toUpperCase()}`)).message).toMatch(
      /mixes upper and lower case/,
    );
    expect(isAddress(address)).toBe(true);
    expect(isAddress("hello")).toBe(false);
  });
});
