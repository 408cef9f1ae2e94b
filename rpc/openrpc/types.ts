// The parts of OpenRPC 1.2.6 (https://spec.open-rpc.org) the UBN document uses. Written here
// rather than imported, so the node does not depend on the OpenRPC tooling at run time; the
// tests validate the document against the official meta-schema.

/** A JSON Schema (draft-07), as plain JSON. */
export type JsonSchema = { readonly [keyword: string]: unknown };

// A type alias, not an interface, so a Ref is also a JsonSchema.
export type Ref = { $ref: string };

export interface ContentDescriptor {
  name: string;
  summary?: string;
  description?: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface ExamplePairing {
  name: string;
  description?: string;
  params: { name: string; value: unknown }[];
  result: { name: string; value: unknown };
}

export interface MethodObject {
  name: string;
  summary: string;
  description?: string;
  tags?: { name: string }[];
  paramStructure: "by-position";
  params: ContentDescriptor[];
  result: ContentDescriptor;
  errors?: Ref[];
  examples: ExamplePairing[];
  /** For ubn_subscribe: the schema of a notification's `result`, per subscription kind. */
  "x-notifications"?: Record<string, JsonSchema>;
}

export interface OpenRpcDocument {
  openrpc: "1.2.6";
  info: { title: string; version: string; description?: string; license?: { name: string } };
  servers?: { name: string; url: string; summary?: string }[];
  methods: MethodObject[];
  components: { schemas: Record<string, JsonSchema>; errors: Record<string, ErrorObject> };
}
