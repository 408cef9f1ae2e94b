// Every transaction type, and the payload codec built from them: a payload is written as
// [tag, body], and the tag picks the body's codec.
import {
  arrayHeaderSize,
  type CanonicalValue,
  type Codec,
  EncodingError,
  EncodingErrorCode,
  numberSize,
} from "../../crypto/index.ts";
import type { TxType } from "../params.ts";
import type { TxHandler } from "./handler.ts";
import { type RegisterValidatorBody, registerValidator } from "./types/register-validator.ts";
import { type StakeBody, stake } from "./types/stake.ts";
import { type TransferBody, transfer } from "./types/transfer.ts";
import { type UnstakeBody, unstake } from "./types/unstake.ts";

export type Payload =
  | ({ type: "transfer" } & TransferBody)
  | ({ type: "stake" } & StakeBody)
  | ({ type: "unstake" } & UnstakeBody)
  | ({ type: "register_validator" } & RegisterValidatorBody);

export const handlers: Record<TxType, TxHandler<any>> = {
  transfer,
  stake,
  unstake,
  register_validator: registerValidator,
};

const byTag = new Map<number, TxHandler<any>>(Object.values(handlers).map((h) => [h.tag, h]));

export function handlerFor(payload: Payload): TxHandler<any> {
  return handlers[payload.type];
}

export const payloadCodec: Codec<Payload> = {
  describe: "Payload",
  toValue(p) {
    const h = handlers[p.type];
    if (!h) throw new EncodingError(EncodingErrorCode.unencodable, `unknown transaction type ${String(p.type)}`);
    return [h.tag, h.body.toValue(p)];
  },
  fromValue(v, path) {
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "number") {
      throw new EncodingError(EncodingErrorCode.schema, "expected [tag, body]", path);
    }
    const h = byTag.get(v[0]);
    if (!h) throw new EncodingError(EncodingErrorCode.schema, `unknown transaction type tag ${v[0]}`, path);
    return { type: h.type, ...h.body.fromValue(v[1] as CanonicalValue, `${path}.body`) } as Payload;
  },
  directSize(p) {
    // Own properties only: a type named like an Object method is no handler (toValue refuses it).
    const h = Object.hasOwn(handlers, p.type) ? handlers[p.type] : undefined;
    if (h?.body.directSize === undefined) return -1;
    const body = h.body.directSize(p);
    return body < 0 ? -1 : arrayHeaderSize(2) + numberSize(h.tag) + body;
  },
  directWrite(w, p) {
    const h = handlers[p.type];
    w.arrayHeader(2);
    w.number(h.tag);
    h.body.directWrite?.(w, p);
  },
};
