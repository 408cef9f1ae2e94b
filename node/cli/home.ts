// Default locations. UBN_HOME overrides ~/.ubn so that several nodes can run side by side.
import { homedir } from "node:os";
import { join } from "node:path";

export function ubnHome(env: NodeJS.ProcessEnv): string {
  return env.UBN_HOME ?? join(homedir(), ".ubn");
}

export function defaultKeystoreDir(env: NodeJS.ProcessEnv): string {
  return join(ubnHome(env), "keystore");
}
