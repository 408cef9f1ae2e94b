// Staking on a running sharded devnet, one step per call of advance() so that it runs inside a
// test's load loop (the beacon only makes blocks, and epochs only end, while shards have work):
//   1. the faucet funds validator-0's own address and the joiner's (a running node whose key
//      is not in the genesis); alice bonds 1 ISC and registers a newcomer key (not a running
//      node, and below the minimum stake, so it is counted, never seated);
//   2. validator-0 bonds 500 ISC more on its shard; the joiner bonds 1000 ISC (the minimum)
//      and registers its own key;
//   3. at the next epoch the beacon registry shows all three: the newcomer with 1 ISC and no
//      seat, validator-0 with 1500 ISC, the joiner with 1000. The first two unbond;
//   4. at the next epoch the newcomer has left the registry and validator-0 is back at 1000;
//   5. alice's 1 ISC finishes unbonding on her shard (the genesis unbonding period, in shard
//      blocks) and is spendable again.
// Exact stakes at each step show every stake receipt was taken exactly once. Meanwhile, once a
// committee names the joiner, the script waits for a block of that shard proposed by it, and
// for a final beacon block it proposed once the beacon's own validator set takes it in: the
// seats are run, not only dealt (a committee of 5, or the beacon's 9, reach a quorum without
// it).
import { join } from "node:path";
import { decryptKey, findKeyFile, formatAddress, generateKeyPair, toHex } from "../../../crypto/index.ts";
import { DEVNET_PASSWORD } from "../../../node/devnet/layout.ts";
import { DEVNET_TRANSFER_FEE, signedTx, type TransferSigner, transferSigner } from "../../../node/devnet/transfer.ts";
import type { ClientShardLayout, RpcClient } from "../../../rpc/index.ts";
import type { UnsignedTx } from "../../../vm/index.ts";
import type { TestDevnet } from "./devnet-harness.ts";

const ISC = 10n ** 18n;
/** register_validator costs 1 ISC plus bytes; stake and unstake 0.001 ISC plus bytes. */
const REGISTER_FEE = 2n * ISC;
const STAKE_FEE = DEVNET_TRANSFER_FEE;
/** The joiner's bond (the minimum stake: the smallest genesis stake) plus its fees. */
const JOINER_FUNDS = 1010n * ISC;

export interface StakingHooks {
  /** The next nonce of the faucet and of alice (shared with the test's transfers). */
  nonce(who: "faucet" | "alice"): bigint;
  alice: TransferSigner;
  /** Value the faucet sent to validator-0 (cross-shard or not: the books check counts it). */
  funded(to: Uint8Array, amount: bigint): void;
}

export class StakingScript {
  step = 1;
  readonly seen: string[] = [];
  private readonly net: TestDevnet;
  private readonly hooks: StakingHooks;
  private readonly newcomer = generateKeyPair().publicKey;
  private v0!: TransferSigner;
  private v0Nonce = 0n;
  private joiner!: TransferSigner;
  private joinerNonce = 0n;
  /** The first shard block the joiner proposed, once seen. */
  joinerProposed: string | null = null;
  /** The first final beacon block the joiner proposed, once seen. */
  joinerBeacon: bigint | null = null;
  /** Per shard, the next height to look at for the joiner's blocks. */
  private readonly scanned = new Map<number, bigint>();
  private readonly hashes: Uint8Array[] = [];

  private constructor(net: TestDevnet, hooks: StakingHooks) {
    this.net = net;
    this.hooks = hooks;
  }

  static async open(net: TestDevnet, hooks: StakingHooks): Promise<StakingScript> {
    const s = new StakingScript(net, hooks);
    const joiner = net.layout.nodes.find((n) => n.name.startsWith("joiner-"));
    if (joiner === undefined) throw new Error("the staking script needs a devnet with a joiner");
    s.v0 = await validatorSigner(net.layout.nodes[0]?.home as string);
    s.joiner = await validatorSigner(joiner.home);
    return s;
  }

  get done(): boolean {
    return this.step > 5 && this.joinerProposed !== null && this.joinerBeacon !== null;
  }

  /** Every staking transaction this script sent (their receipts must all say success). */
  get transactions(): readonly Uint8Array[] {
    return this.hashes;
  }

  async advance(client: RpcClient, layout: ClientShardLayout): Promise<void> {
    const chainId = this.net.layout.chainId;
    const send = async (from: TransferSigner, payload: UnsignedTx["payload"], nonce: bigint, fee: bigint) => {
      this.hashes.push(await client.sendRawTransaction(signedTx(chainId, from, payload, nonce, fee)));
    };
    const alice = this.hooks.alice;
    const stakeOf = (key: Uint8Array) => registryStake(layout, key);
    await this.lookForJoinerBlock(client, layout);
    switch (this.step) {
      case 1: {
        await send(
          this.net.faucet,
          { type: "transfer", to: this.v0.address, amount: 600n * ISC },
          this.hooks.nonce("faucet"),
          DEVNET_TRANSFER_FEE,
        );
        this.hooks.funded(this.v0.address, 600n * ISC);
        await send(
          this.net.faucet,
          { type: "transfer", to: this.joiner.address, amount: JOINER_FUNDS },
          this.hooks.nonce("faucet"),
          DEVNET_TRANSFER_FEE,
        );
        this.hooks.funded(this.joiner.address, JOINER_FUNDS);
        await send(alice, { type: "stake", amount: ISC }, this.hooks.nonce("alice"), STAKE_FEE);
        await send(
          alice,
          { type: "register_validator", consensusKey: this.newcomer },
          this.hooks.nonce("alice"),
          REGISTER_FEE,
        );
        this.step = 2;
        return;
      }
      case 2: {
        if ((await client.getAccount(formatAddress(this.v0.address))).balance < 600n * ISC) return;
        if ((await client.getAccount(formatAddress(this.joiner.address))).balance < JOINER_FUNDS) return;
        await send(this.v0, { type: "stake", amount: 500n * ISC }, this.v0Nonce++, STAKE_FEE);
        await send(this.joiner, { type: "stake", amount: 1000n * ISC }, this.joinerNonce++, STAKE_FEE);
        await send(
          this.joiner,
          { type: "register_validator", consensusKey: this.joiner.publicKey },
          this.joinerNonce++,
          REGISTER_FEE,
        );
        this.step = 3;
        return;
      }
      case 3: {
        if (stakeOf(this.newcomer) !== ISC || stakeOf(this.v0.publicKey) !== 1500n * ISC) return;
        if (stakeOf(this.joiner.publicKey) !== 1000n * ISC) return;
        const seated = layout.chains.some((c) => c.committee.includes(`0x${toHex(this.newcomer)}`));
        this.seen.push(`bonded at beacon epoch ${layout.beacon?.epoch}${seated ? ", newcomer seated" : ""}`);
        await send(alice, { type: "unstake", amount: ISC }, this.hooks.nonce("alice"), STAKE_FEE);
        await send(this.v0, { type: "unstake", amount: 500n * ISC }, this.v0Nonce++, STAKE_FEE);
        this.step = 4;
        return;
      }
      case 4: {
        if (stakeOf(this.newcomer) !== undefined || stakeOf(this.v0.publicKey) !== 1000n * ISC) return;
        this.seen.push(`unbonded at beacon epoch ${layout.beacon?.epoch}`);
        this.step = 5;
        return;
      }
      case 5: {
        const a = await client.getAccount(formatAddress(alice.address));
        if (a.staked !== 0n || a.unbonding !== 0n) return;
        this.seen.push("alice's unbonding released");
        this.step = 6;
        return;
      }
    }
  }

  /** Looks through the new blocks of the shards whose committee names the joiner for one it proposed. */
  private async lookForJoinerBlock(client: RpcClient, layout: ClientShardLayout): Promise<void> {
    const key: `0x${string}` = `0x${toHex(this.joiner.publicKey)}`;
    const asBeaconValidator = layout.beacon?.consensus.validators.find((v) => v.publicKey === key);
    if (this.joinerBeacon === null && asBeaconValidator?.lastProposed != null) {
      this.joinerBeacon = asBeaconValidator.lastProposed;
      this.seen.push(
        `joiner proposed beacon block ${this.joinerBeacon} in beacon set ${layout.beacon?.consensus.epoch}`,
      );
    }
    if (this.joinerProposed !== null) return;
    for (const c of layout.chains) {
      const shard = Number(c.shard);
      if (!c.committee.includes(key) && !this.scanned.has(shard)) continue;
      const tip = await client.blockNumber(shard);
      let h = this.scanned.get(shard) ?? tip;
      for (; h <= tip; h++) {
        const b = await client.getBlockByNumber(h, false, shard);
        if (b?.proposer === key) {
          this.joinerProposed = `shard ${shard} block ${h} in shard epoch ${c.epoch}`;
          this.seen.push(`joiner proposed ${this.joinerProposed}`);
          return;
        }
      }
      this.scanned.set(shard, h);
    }
  }
}

/** The validator key in a devnet node's keystore, as a transaction signer. */
async function validatorSigner(home: string): Promise<TransferSigner> {
  return transferSigner(await decryptKey(await findKeyFile(join(home, "keystore"), "validator"), DEVNET_PASSWORD));
}

/** The registry stake of `key`, undefined when it is not in the registry. */
export function registryStake(layout: ClientShardLayout, key: Uint8Array): bigint | undefined {
  const hex = `0x${toHex(key)}`;
  return layout.beacon?.registry.find((v) => v.publicKey === hex)?.stake;
}
