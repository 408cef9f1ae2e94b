// Checks on who may talk to the server from a browser's point of view, applied to plain HTTP and
// to WebSocket upgrades alike:
// - Host allow-list: a page on an attacker's domain that re-points its DNS name at 127.0.0.1
//   (DNS rebinding) still sends its own name as Host, so refusing unknown Hosts keeps a local node
//   out of reach of web pages.
// - Origin: browsers send it on cross-origin requests and on every WebSocket upgrade (to which
//   CORS does not apply), so a request from an origin not configured in `cors` is refused. Non-
//   browser clients send no Origin and are not affected.
import type { IncomingHttpHeaders } from "node:http";

/** The Host header's name part, lower case: "LocalHost:8545" -> "localhost", "[::1]:80" -> "[::1]". */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header === "") return undefined;
  const lower = header.trim().toLowerCase();
  if (lower.startsWith("[")) {
    const end = lower.indexOf("]");
    return end < 0 ? undefined : lower.slice(0, end + 1);
  }
  return lower.split(":", 1)[0];
}

export function isHostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes("*")) return true;
  const name = hostName(header);
  return name !== undefined && allowed.includes(name);
}

/** undefined: no Origin header (not a cross-origin browser request). */
export function originOf(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin;
  return origin === undefined || origin === "" ? undefined : origin;
}

export function isOriginAllowed(origin: string | undefined, cors: readonly string[]): boolean {
  if (origin === undefined) return true;
  return cors.includes("*") || cors.includes(origin.toLowerCase());
}

/** Headers for a response to an allowed cross-origin request; none when CORS is off. */
export function corsHeaders(origin: string | undefined, cors: readonly string[]): Record<string, string> {
  if (origin === undefined || cors.length === 0 || !isOriginAllowed(origin, cors)) return {};
  // Echoing the origin (rather than "*") keeps the answer exact; Vary stops a shared cache from
  // serving it to another origin.
  return { "access-control-allow-origin": cors.includes("*") ? "*" : origin, vary: "Origin" };
}

/** Extra headers answering a CORS preflight (OPTIONS) from an allowed origin. */
export function preflightHeaders(origin: string | undefined, cors: readonly string[]): Record<string, string> {
  const base = corsHeaders(origin, cors);
  if (Object.keys(base).length === 0) return {};
  return {
    ...base,
    "access-control-allow-methods": "POST, GET, OPTIONS",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600",
  };
}
