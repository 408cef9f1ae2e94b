// A small network of Linux network namespaces for soaks that cut links between nodes: one
// namespace per node, each with one interface (eth0) on a bridge in this namespace, so the
// nodes talk over real TCP between their own addresses and the soak (here) reaches each node's
// RPC through the bridge. A cut between two nodes is a blackhole route to the other's address in
// each one's namespace: both keep running and keep their sockets, but nothing they send each
// other gets through (a new dial fails at once, an open connection goes silent until its
// keep-alives give up), while both still reach the others and the soak reaches both. Healing
// deletes the routes, and TCP carries on or the nodes dial again. (Routes rather than tc
// filters: this machine's kernel has no tc actions, netem or iptables.)
//
// Needs root (CAP_NET_ADMIN) and `ip` from iproute2. Names start with "ubnsoak", and
// a run removes what an earlier run left behind before it starts.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The subnet the nodes get addresses in; the bridge takes .254. */
const SUBNET = "10.213.77";
const BRIDGE = "ubnsoakbr";
const BRIDGE_ADDRESS = `${SUBNET}.254`;

export class NetnsError extends Error {
  override name = "NetnsError";
}

async function ip(...args: string[]): Promise<string> {
  try {
    return (await run("ip", args)).stdout;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new NetnsError(`ip ${args.join(" ")} failed: ${stderr || String(e)}`);
  }
}

export class NamespaceNetwork {
  readonly size: number;
  /** Pairs cut now, as "i-j" with i < j. */
  private readonly cut = new Set<string>();

  private constructor(size: number) {
    this.size = size;
  }

  /** Creates `size` namespaces on a fresh bridge (after removing any left by an earlier run). */
  static async create(size: number): Promise<NamespaceNetwork> {
    if (size < 1 || size > 200) throw new NetnsError(`size must be 1-200, got ${size}`);
    if (process.getuid?.() !== 0) throw new NetnsError("network namespaces need root (CAP_NET_ADMIN)");
    const routes = await ip("-4", "route", "show", "match", `${SUBNET}.0/24`);
    await NamespaceNetwork.removeLeftovers();
    for (const line of routes.split("\n").filter(Boolean)) {
      if (!line.includes(BRIDGE) && !line.startsWith("default")) {
        throw new NetnsError(`${SUBNET}.0/24 is already routed on this machine (${line.trim()})`);
      }
    }
    const net = new NamespaceNetwork(size);
    await ip("link", "add", BRIDGE, "type", "bridge");
    await ip("addr", "add", `${BRIDGE_ADDRESS}/24`, "dev", BRIDGE);
    await ip("link", "set", BRIDGE, "up");
    for (let i = 0; i < size; i++) {
      const ns = net.namespace(i);
      await ip("netns", "add", ns);
      await ip("link", "add", `ubnsoakv${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns);
      await ip("link", "set", `ubnsoakv${i}`, "master", BRIDGE, "up");
      await ip("-n", ns, "addr", "add", `${net.address(i)}/24`, "dev", "eth0");
      await ip("-n", ns, "link", "set", "eth0", "up");
      await ip("-n", ns, "link", "set", "lo", "up");
    }
    return net;
  }

  /** Deletes every namespace and link an earlier run of any soak left. */
  static async removeLeftovers(): Promise<void> {
    for (const line of (await ip("netns", "list")).split("\n")) {
      const name = line.split(" ")[0];
      if (name?.startsWith("ubnsoak")) await ip("netns", "del", name);
    }
    // Deleting a namespace frees its veths in the background; deleting our ends frees them now.
    for (const line of (await ip("-o", "link", "show")).split("\n")) {
      const name = line.split(": ")[1]?.split("@")[0];
      // Gone already if the namespace's cleanup got there first.
      if (name?.startsWith("ubnsoak")) await ip("link", "del", name).catch(() => undefined);
    }
  }

  namespace(i: number): string {
    return `ubnsoak${i}`;
  }

  /** Node i's address, reachable from the other namespaces and from here. */
  address(i: number): string {
    return `${SUBNET}.${i + 1}`;
  }

  /** The command prefix that runs a program inside node i's namespace. */
  exec(i: number): string[] {
    return ["ip", "netns", "exec", this.namespace(i)];
  }

  /** Drops every packet between i and j, both ways, until heal. */
  async cutBetween(i: number, j: number): Promise<void> {
    const key = pairKey(i, j);
    if (i === j || this.cut.has(key)) return;
    await this.route("add", i, j);
    await this.route("add", j, i);
    this.cut.add(key);
  }

  /** Cuts every link between the two groups. */
  async split(a: readonly number[], b: readonly number[]): Promise<void> {
    for (const i of a) for (const j of b) await this.cutBetween(i, j);
  }

  /** Removes every cut. */
  async heal(): Promise<void> {
    for (const key of this.cut) {
      const [i, j] = key.split("-").map(Number) as [number, number];
      await this.route("del", i, j);
      await this.route("del", j, i);
    }
    this.cut.clear();
  }

  async destroy(): Promise<void> {
    await NamespaceNetwork.removeLeftovers();
  }

  private async route(op: "add" | "del", from: number, to: number): Promise<void> {
    await ip("-n", this.namespace(from), "route", op, "blackhole", `${this.address(to)}/32`);
  }
}

function pairKey(i: number, j: number): string {
  return i < j ? `${i}-${j}` : `${j}-${i}`;
}
