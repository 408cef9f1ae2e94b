// Which verifier verifyNative uses is decided once per process, from whether UBN's addon and
// libsodium's binding load and from UBN_ED25519. Run in fresh processes so that each sees its own environment.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const VERIFY_NATIVE = fileURLToPath(new URL("../../crypto/ed25519/verify-native.ts", import.meta.url));

/** nativeVerifier, and verifyNative's verdict on an all-zero key and signature, in a new process. */
function probe(env: Record<string, string | undefined>): { verifier: string; zeroVerdict: string } {
  const script = [
    `import { nativeVerifier, verifyNative } from ${JSON.stringify(VERIFY_NATIVE)};`,
    "console.log(nativeVerifier, verifyNative(new Uint8Array(32), new Uint8Array(0), new Uint8Array(64)));",
  ].join("\n");
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: childEnv, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const [verifier, zeroVerdict] = r.stdout.trim().split(" ");
  return { verifier: verifier as string, zeroVerdict: zeroVerdict as string };
}

describe("the choice of native verifier", () => {
  it("is UBN's addon by default here", () => {
    expect(probe({ UBN_ED25519: undefined })).toEqual({ verifier: "ubn-addon", zeroVerdict: "false" });
  });

  it("is libsodium with UBN_ED25519=libsodium, with the same verdicts", () => {
    expect(probe({ UBN_ED25519: "libsodium" })).toEqual({ verifier: "libsodium", zeroVerdict: "false" });
  });

  it("is OpenSSL with UBN_ED25519=openssl, with the same verdicts", () => {
    expect(probe({ UBN_ED25519: "openssl" })).toEqual({ verifier: "openssl", zeroVerdict: "false" });
  });
});
