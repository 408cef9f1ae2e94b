// A structural pass over MessagePack bytes before msgpackr sees them. It admits only the subset
// our canonical form uses (no maps, no floats, no extensions but big integers), bounds nesting,
// and checks every declared length against the bytes that remain. This turns hostile input
// (a billion-element array header, 100,000 nested arrays) into a typed error in linear time
// instead of a huge allocation or a stack overflow inside the decoder.
import { EncodingError, EncodingErrorCode } from "./errors.ts";

export const MAX_DEPTH = 32;
/** msgpackr's extension type for integers outside the 64-bit range. */
export const BIGINT_EXT_TYPE = 0x42;
/** Largest big-integer payload we accept: 256 bits (amounts need 128). */
export const MAX_BIGINT_BYTES = 32;

/** Validates one value starting at 0 and returns the offset just past it. */
export function scanValue(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  let pos = 0;
  // Remaining element counts of the open arrays, and the nesting depth of their elements.
  // The top-level value counts as one element at depth 0.
  const pending: number[] = [1];
  const depths: number[] = [0];
  let depth = 0;

  const need = (n: number) => {
    if (pos + n > end) throw new EncodingError(EncodingErrorCode.truncated, `need ${n} more bytes`, pos);
  };
  const openArray = (length: number) => {
    // Every element takes at least one byte, so a longer array cannot be complete.
    if (length > end - pos) {
      throw new EncodingError(EncodingErrorCode.truncated, `array of ${length} elements exceeds input`, pos);
    }
    if (length === 0) return;
    if (depth + 1 > MAX_DEPTH) {
      throw new EncodingError(EncodingErrorCode.tooDeep, `nesting deeper than ${MAX_DEPTH}`, pos);
    }
    pending.push(length);
    depths.push(depth + 1);
  };
  const skip = (n: number) => {
    need(n);
    pos += n;
  };

  while (pending.length > 0) {
    // One element of the innermost open array is consumed by the value read below.
    const top = pending.length - 1;
    const left = (pending[top] as number) - 1;
    depth = depths[top] as number;
    if (left === 0) {
      pending.pop();
      depths.pop();
    } else pending[top] = left;

    need(1);
    const at = pos;
    const b = bytes[pos++] as number;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
    if (b >= 0x90 && b <= 0x9f) {
      openArray(b & 0x0f);
      continue;
    }
    if (b >= 0xa0 && b <= 0xbf) {
      skip(b & 0x1f);
      continue;
    }
    switch (b) {
      case 0xcc:
      case 0xd0:
        skip(1);
        continue;
      case 0xcd:
      case 0xd1:
        skip(2);
        continue;
      case 0xce:
      case 0xd2:
        skip(4);
        continue;
      case 0xcf:
      case 0xd3:
        skip(8);
        continue;
      case 0xc4:
      case 0xd9:
        need(1);
        skip(view.getUint8(pos++));
        continue;
      case 0xc5:
      case 0xda:
        need(2);
        pos += 2;
        skip(view.getUint16(pos - 2));
        continue;
      case 0xc6:
      case 0xdb:
        need(4);
        pos += 4;
        skip(view.getUint32(pos - 4));
        continue;
      case 0xdc:
        need(2);
        pos += 2;
        openArray(view.getUint16(pos - 2));
        continue;
      case 0xdd:
        need(4);
        pos += 4;
        openArray(view.getUint32(pos - 4));
        continue;
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        scanBigIntExt(1 << (b - 0xd4), at);
        continue;
      case 0xc7:
        need(1);
        scanBigIntExt(view.getUint8(pos++), at);
        continue;
      default:
        throw new EncodingError(EncodingErrorCode.unsupportedType, `type byte 0x${b.toString(16)} is not allowed`, at);
    }
  }
  return pos;

  function scanBigIntExt(length: number, at: number) {
    need(1);
    const type = bytes[pos++];
    if (type !== BIGINT_EXT_TYPE) {
      throw new EncodingError(EncodingErrorCode.unsupportedType, `extension type ${type} is not allowed`, at);
    }
    if (length > MAX_BIGINT_BYTES) {
      throw new EncodingError(EncodingErrorCode.oversized, `big integer of ${length} bytes`, at);
    }
    skip(length);
  }
}
