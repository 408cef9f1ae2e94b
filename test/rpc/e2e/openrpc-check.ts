// Checks values against the OpenRPC document: a result against a method's result schema, an
// error against the errors the method documents. Shared by the document test and the live
// coverage test. Schemas are compiled by ajv (the JSON Schema validator @open-rpc/schema-utils-js
// brings) with the document's components in scope, so "#/components/schemas/X" resolves as it
// does in the document.
import Ajv from "ajv";
import type { JsonSchema } from "../../../rpc/openrpc/types.ts";
import type { MethodObject, OpenRpcDocument } from "../../../rpc/openrpc.ts";

export interface SchemaChecker {
  /** null when `value` fits `schema`, else ajv's complaints in one line. */
  check(schema: JsonSchema, value: unknown): string | null;
  method(name: string): MethodObject;
  /** The codes of the errors `method` documents, $refs resolved. */
  errorCodes(method: MethodObject): number[];
}

export function schemaChecker(doc: OpenRpcDocument): SchemaChecker {
  const ajv = new Ajv({ allErrors: true });
  const compiled = new Map<JsonSchema, Ajv.ValidateFunction>();
  const byName = new Map(doc.methods.map((m) => [m.name, m]));
  return {
    check(schema, value) {
      let validate = compiled.get(schema);
      if (validate === undefined) {
        // The components ride along in the root schema so internal $refs resolve.
        validate = ajv.compile({ allOf: [schema], components: { schemas: doc.components.schemas } });
        compiled.set(schema, validate);
      }
      if (validate(value)) return null;
      return ajv.errorsText(validate.errors, { dataVar: "value" });
    },
    method(name) {
      const m = byName.get(name);
      if (m === undefined) throw new Error(`the document has no method ${name}`);
      return m;
    },
    errorCodes(method) {
      return (method.errors ?? []).map((e) => {
        const name = e.$ref.replace("#/components/errors/", "");
        const error = doc.components.errors[name];
        if (error === undefined) throw new Error(`${method.name}: unresolved error ${e.$ref}`);
        return error.code;
      });
    },
  };
}
