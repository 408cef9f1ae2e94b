// Noise frames are read by @libp2p/utils' LengthPrefixedDecoder, which finds out that a socket
// chunk is used up by asking its length decoder for the next length and catching the RangeError
// thrown for too few bytes. Almost every chunk ends on a frame boundary, so almost every socket
// read built an Error with a stack trace: 1.5% of the validators' main threads in a perf profile
// of a loaded devnet. This gives each decoder a length decoder that answers 0 for an empty
// buffer; the library then finds the 0-length frame's prefix missing and stops reading exactly
// as it does after the RangeError. A partial prefix (1 byte of 2) still goes to the original.
// Applied once, at import, to the pinned version (package.json); the test decodes real Noise
// framing and fails if an upgrade changes what this relies on.
import { LengthPrefixedDecoder } from "@libp2p/utils";

type LengthDecoder = (data: { byteLength: number }) => number;

interface DecoderFields {
  lengthDecoder: LengthDecoder;
  encodingLength: (length: number) => number;
}

const guarded = new WeakSet<object>();
const libraryDecode = LengthPrefixedDecoder.prototype.decode;

/** A length decoder that answers 0 for an empty buffer instead of throwing. */
export function emptyAsZero(inner: LengthDecoder): LengthDecoder {
  return (data) => (data.byteLength === 0 ? 0 : inner(data));
}

export const drainingDecode: typeof libraryDecode = function (this: LengthPrefixedDecoder, buf) {
  if (!guarded.has(this)) {
    const fields = this as unknown as DecoderFields;
    // The 0 stops the loop only if even an empty frame has a prefix; else keep the library's way.
    if (fields.encodingLength(0) >= 1) fields.lengthDecoder = emptyAsZero(fields.lengthDecoder);
    guarded.add(this);
  }
  return libraryDecode.call(this, buf);
};

LengthPrefixedDecoder.prototype.decode = drainingDecode;
