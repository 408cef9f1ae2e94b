// Small builders for method objects, so each method in wallet-methods.ts and node-methods.ts
// reads as its name, its params, its result, its errors and its examples.
import { COMMON_ERRORS } from "./errors.ts";
import type { ContentDescriptor, ExamplePairing, JsonSchema, MethodObject, Ref } from "./types.ts";

export function param(name: string, schema: JsonSchema, description: string): ContentDescriptor {
  return { name, description, required: true, schema };
}

/** A trailing parameter that may be omitted or given as null. */
export function optionalParam(name: string, schema: JsonSchema, description: string): ContentDescriptor {
  return { name, description, required: false, schema };
}

export function result(name: string, schema: JsonSchema, description?: string): ContentDescriptor {
  return description === undefined ? { name, schema } : { name, description, schema };
}

/** An example call: `params` in order (named after the method's params) and the answer. */
export function example(
  name: string,
  params: readonly unknown[],
  value: unknown,
  description?: string,
): (m: { params: ContentDescriptor[]; result: ContentDescriptor }) => ExamplePairing {
  return (m) => {
    const pairing: ExamplePairing = {
      name,
      params: params.map((v, i) => ({ name: m.params[i]?.name ?? `param${i}`, value: v })),
      result: { name: m.result.name, value },
    };
    if (description !== undefined) pairing.description = description;
    return pairing;
  };
}

export interface MethodSpec {
  summary: string;
  description?: string;
  tag: "wallet" | "subscription" | "node" | "admin";
  params?: ContentDescriptor[];
  result: ContentDescriptor;
  /** The method's own errors; COMMON_ERRORS (and invalidParams when it takes params) are added. */
  errors?: readonly Ref[];
  examples: ReturnType<typeof example>[];
  notifications?: Record<string, JsonSchema>;
}

export function method(name: string, spec: MethodSpec): MethodObject {
  const params = spec.params ?? [];
  const errors: Ref[] = [];
  if (params.length > 0) errors.push({ $ref: "#/components/errors/invalidParams" });
  errors.push(...(spec.errors ?? []), ...COMMON_ERRORS);
  const m: MethodObject = {
    name,
    summary: spec.summary,
    tags: [{ name: spec.tag }],
    paramStructure: "by-position",
    params,
    result: spec.result,
    errors,
    examples: spec.examples.map((e) => e({ params, result: spec.result })),
  };
  if (spec.description !== undefined) m.description = spec.description;
  if (spec.notifications !== undefined) m["x-notifications"] = spec.notifications;
  return m;
}
