// node/mempool/: the transaction pool of one chain (admission, block selection, eviction).
export { isMempoolError, MempoolError, MempoolErrorCode } from "./errors.ts";
export type { AccountReader, AccountView, AddResult, MempoolModules } from "./interface.ts";
export { Mempool } from "./mempool.ts";
export { defaultMempoolOptions, type MempoolOptions } from "./options.ts";
export type { SelectLimits } from "./select.ts";
