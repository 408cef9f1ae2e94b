// What the server decides from a client's address: whether it is on this machine (admin methods)
// and which rate-limit bucket it shares. The address comes from the socket, never from headers a
// client writes (X-Forwarded-For), so it cannot be claimed.
import { isIPv4, isIPv6 } from "node:net";

/** An IPv4 client seen through a dual-stack socket ("::ffff:1.2.3.4") as plain IPv4. */
function unmapped(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith("::ffff:") && isIPv4(lower.slice(7)) ? lower.slice(7) : lower;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = unmapped(address);
  if (isIPv4(a)) return a.startsWith("127.");
  return isIPv6(a) && expandIpv6(a).every((group, i) => group === (i === 7 ? 1 : 0));
}

/**
 * The rate-limit bucket of a client: its IPv4 address, or its IPv6 /64, since one IPv6 host
 * usually holds a whole /64 and could otherwise take a fresh bucket per request.
 */
export function rateLimitKey(address: string | undefined): string {
  if (address === undefined) return "unknown";
  const a = unmapped(address);
  if (!isIPv6(a)) return a;
  return `${expandIpv6(a)
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (a zone id is dropped, an IPv4 tail converted). */
function expandIpv6(address: string): number[] {
  let a = address.split("%", 1)[0] ?? "";
  const tail = a.slice(a.lastIndexOf(":") + 1);
  if (isIPv4(tail)) {
    const b = tail.split(".").map(Number) as [number, number, number, number];
    a = `${a.slice(0, a.length - tail.length)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head = "", rest] = a.split("::", 2);
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => Number.parseInt(g, 16));
}
