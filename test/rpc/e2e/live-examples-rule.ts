// A rule for @open-rpc/test-coverage: each example of the document becomes a call on a live
// node, its placeholders (rpc/openrpc/examples.ts) replaced by live values, and each answer is
// held to the document: a result to the method's result schema, an error to the method's
// documented errors. Probes add calls that must fail with a given documented code. The stock
// ExamplesRule cannot do this: it compares answers with the example values, which on a live
// chain differ, and it cannot resolve the document's $refs.

import type { OpenrpcDocument, MethodObject as ToolingMethod } from "@open-rpc/meta-schema";
import type { Call, IOptions } from "@open-rpc/test-coverage/build/coverage.js";
import type * as RuleModule from "@open-rpc/test-coverage/build/rules/rule.js";
import { EXAMPLE, LIVE_PLACEHOLDERS, type LivePlaceholder } from "../../../rpc/openrpc/examples.ts";
import type { OpenRpcDocument } from "../../../rpc/openrpc.ts";
import { type SchemaChecker, schemaChecker } from "./openrpc-check.ts";

export type LiveValues = Record<LivePlaceholder, string>;

/** A call that must fail with one of `codes` (which the method must document). */
export interface Probe {
  method: string;
  name: string;
  params: unknown[];
  codes: number[];
  /** Send over HTTP even if the method is a WebSocket one. */
  http?: boolean;
}

export interface LiveUrls {
  http: string;
  ws: string;
  /** Methods called over the WebSocket (the subscription ones). */
  wsMethods: readonly string[];
}

export interface LiveHooks {
  /** Called before each call; may change its params (a fresh transaction, a subscription id). */
  prepare(method: string, params: unknown[], title: string): unknown[];
  /** Told about each answer, e.g. to learn a subscription id or count a transaction. */
  answered(method: string, params: unknown[], answer: { result?: unknown; error?: { code: number } }): void;
  /** Extra checks of a result; a string says what is wrong. */
  checkResult?(method: string, params: unknown[], result: unknown): string | null;
}

/** A result (like the example's: null only if the example's is null), or one of these errors. */
type Expectation = { kind: "result"; exampleResult: unknown } | { kind: "error"; codes: number[] };

/** Deep copy of `value` with every placeholder string replaced by its live value. */
export function withLiveValues(value: unknown, live: LiveValues): unknown {
  if (typeof value === "string") {
    const name = LIVE_PLACEHOLDERS.find((p) => EXAMPLE[p] === value);
    return name === undefined ? value : live[name];
  }
  if (Array.isArray(value)) return value.map((v) => withLiveValues(v, live));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withLiveValues(v, live)]));
  }
  return value;
}

export class LiveExamplesRule implements RuleModule.default {
  private readonly checker: SchemaChecker;
  private readonly expectations = new WeakMap<Call, Expectation>();
  private readonly live: LiveValues;
  private readonly urls: LiveUrls;
  private readonly probes: readonly Probe[];
  private readonly hooks: LiveHooks;

  constructor(doc: OpenRpcDocument, live: LiveValues, urls: LiveUrls, probes: readonly Probe[], hooks: LiveHooks) {
    this.checker = schemaChecker(doc);
    this.live = live;
    this.urls = urls;
    this.probes = probes;
    this.hooks = hooks;
  }

  getTitle(): string {
    return "live examples";
  }

  getCalls(_doc: OpenrpcDocument, tooling: ToolingMethod): Call[] {
    const method = this.checker.method(tooling.name);
    const url = this.urls.wsMethods.includes(method.name) ? this.urls.ws : this.urls.http;
    const calls: Call[] = [];
    for (const ex of method.examples) {
      const call = this.call(
        method.name,
        `example "${ex.name}"`,
        url,
        ex.params.map((p) => p.value),
      );
      this.expectations.set(call, { kind: "result", exampleResult: ex.result.value });
      calls.push(call);
    }
    for (const probe of this.probes.filter((p) => p.method === method.name)) {
      const call = this.call(method.name, `probe "${probe.name}"`, probe.http ? this.urls.http : url, probe.params);
      this.expectations.set(call, { kind: "error", codes: probe.codes });
      calls.push(call);
    }
    return calls;
  }

  beforeRequest(_options: IOptions, call: Call): void {
    call.params = this.hooks.prepare(call.methodName, call.params, call.title);
  }

  afterResponse(_options: IOptions, call: Call): void {
    this.hooks.answered(call.methodName, call.params, { result: call.result, error: call.error });
  }

  validateCall(call: Call): Call {
    const reason = this.problem(call);
    call.valid = reason === null;
    if (reason !== null) call.reason = reason;
    return call;
  }

  private call(methodName: string, title: string, url: string, params: unknown[]): Call {
    const live = withLiveValues(params, this.live) as unknown[];
    return { title: `${methodName} ${title}`, methodName, params: live, url, resultSchema: {} };
  }

  private problem(call: Call): string | null {
    const expected = this.expectations.get(call);
    const method = this.checker.method(call.methodName);
    const documented = this.checker.errorCodes(method);
    const error = call.error;
    if (expected === undefined) return "no expectation recorded for this call";
    if (expected.kind === "error") {
      const codes = expected.codes.join(" or ");
      if (error === undefined) return `expected error ${codes}, got result ${JSON.stringify(call.result)}`;
      if (!expected.codes.includes(error.code)) return `expected error ${codes}, got ${JSON.stringify(error)}`;
      if (!documented.includes(error.code)) return `error ${error.code} is not among the method's documented errors`;
      return null;
    }
    if (error !== undefined) {
      const note = documented.includes(error.code) ? "a documented error" : "an UNDOCUMENTED error";
      return `expected a result, got ${note}: ${JSON.stringify(error)}`;
    }
    if (call.result === undefined) return "the answer has neither result nor error";
    const mismatch = this.checker.check(method.result.schema, call.result);
    if (mismatch !== null) return `result does not fit the schema: ${mismatch}; result ${JSON.stringify(call.result)}`;
    if (call.result === null && expected.exampleResult !== null) {
      return "null for a live value that exists (the example answers an object)";
    }
    return this.hooks.checkResult?.(call.methodName, call.params, call.result) ?? null;
  }
}
