// One AbortSignal per exchange that fires on its deadline or when the network stops, with a
// NetError as its reason, so whoever is waiting (a dial, a read, a drain) fails with the right
// code and nothing has to guess why a signal aborted.
import { NetError, NetErrorCode, type NetErrorContext } from "./errors.ts";

export interface Deadline {
  readonly signal: AbortSignal;
  /** Stops the timer and detaches from the network's signal; call it when the exchange is over. */
  clear(): void;
}

export function deadline(ms: number, closing: AbortSignal, what: string, context: NetErrorContext = {}): Deadline {
  const controller = new AbortController();
  const onClosing = () =>
    controller.abort(new NetError(NetErrorCode.closed, `${what}: the network is stopping`, context));
  const timer = setTimeout(
    () => controller.abort(new NetError(NetErrorCode.timeout, `${what} timed out after ${ms} ms`, context)),
    ms,
  );
  if (closing.aborted) onClosing();
  else closing.addEventListener("abort", onClosing, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      closing.removeEventListener("abort", onClosing);
    },
  };
}
