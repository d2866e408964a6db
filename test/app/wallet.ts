// An injected EIP-1193 test wallet for the browser suite. An init script gives every page of a
// browser context `window.ethereum` and announces it over EIP-6963 ("Test Wallet"); its `request`
// crosses to Node through a playwright binding, where an anvil test key answers: accounts and
// permissions, chain id and chain switching, personal_sign and eth_signTypedData_v4 signed with
// viem, eth_sendTransaction signed locally and sent raw to anvil, and every other call forwarded
// to anvil. Node drives it like a user would: switch the active key, lock it, reject signatures,
// move it to another chain, each change announced to the pages (accountsChanged, chainChanged).
import type { BrowserContext } from "playwright-core";
import {
  type Address,
  createWalletClient,
  defineChain,
  type Hex,
  hexToBigInt,
  hexToNumber,
  http,
  isHex,
  type TypedDataDefinition,
  toHex,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";

export interface TestWalletOptions {
  /** The chain the wallet talks to (anvil). */
  rpcUrl: string;
  /** anvil's chain id; the wallet starts on it unless `startChainId` says otherwise. */
  chainId: number;
  /** The active account's key. */
  key: Hex;
  startChainId?: number;
  /** EIP-6963 name; the app's button reads "Connect <name>". */
  name?: string;
  rdns?: string;
}

export interface WalletRequest {
  method: string;
  params: unknown;
  /** What the page got back: "ok" or the error code. */
  outcome: "ok" | number;
}

export interface TestWallet {
  /** The active account. */
  readonly address: Address;
  /** The chain the wallet is on now. */
  readonly chainId: number;
  /** Every request the pages made, oldest first. */
  readonly requests: WalletRequest[];
  /** Hashes of the transactions the wallet sent for the pages. */
  readonly transactions: Hex[];
  /** Makes `key` the active account and tells the pages (accountsChanged) if the site is connected. */
  use(key: Hex): Promise<void>;
  /** Locked: eth_requestAccounts and wallet_requestPermissions reject with 4001, eth_accounts is []. */
  lock(): Promise<void>;
  unlock(): Promise<void>;
  /** While on, personal_sign, eth_signTypedData_v4 and eth_sendTransaction reject with 4001. */
  rejectSignatures(on: boolean): void;
  /** Moves the wallet to `chainId` (as if the user picked it) and tells the pages (chainChanged). */
  setChain(chainId: number): Promise<void>;
  /** Forgets that the site is connected (wallet_revokePermissions from the wallet's side). */
  disconnectSite(): Promise<void>;
}

class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

const userRejected = (what: string) => new RpcError(4001, `User rejected the request: ${what}`);

const BINDING = "__refcodesTestWallet";
const EMIT = "__refcodesTestWalletEmit";

/** The page side: a minimal EIP-1193 provider whose requests go to the Node binding. */
function pageScript(info: { name: string; rdns: string; binding: string; emit: string }) {
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const provider = {
    isTestWallet: true,
    async request(args: { method: string; params?: unknown }) {
      if (!args || typeof args.method !== "string") throw Object.assign(new Error("invalid request"), { code: -32600 });
      const reply = await (window as unknown as Record<string, (payload: unknown) => Promise<any>>)[info.binding]!({
        method: args.method,
        params: args.params,
      });
      if (reply.error) {
        const error = new Error(reply.error.message) as Error & { code: number; data?: unknown };
        error.code = reply.error.code;
        if (reply.error.data !== undefined) error.data = reply.error.data;
        throw error;
      }
      return reply.result;
    },
    on(event: string, listener: (data: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: (data: unknown) => void) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
    off(event: string, listener: (data: unknown) => void) {
      return provider.removeListener(event, listener);
    },
  };
  (window as unknown as Record<string, unknown>)[info.emit] = (event: string, data: unknown) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(data);
      } catch (error) {
        console.error(error);
      }
    }
  };
  Object.defineProperty(window, "ethereum", { value: provider, configurable: true, writable: false });
  const uuid = "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (Number(c) ^ (Math.floor(Math.random() * 16) >> (Number(c) / 4))).toString(16),
  );
  const icon =
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='32' height='32'%3E%3Crect width='32' height='32' fill='%23345'/%3E%3C/svg%3E";
  const detail = Object.freeze({ info: Object.freeze({ uuid, name: info.name, icon, rdns: info.rdns }), provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

/** Installs the wallet in every page of `context` (present and future pages). */
export async function installWallet(context: BrowserContext, options: TestWalletOptions): Promise<TestWallet> {
  let account: PrivateKeyAccount = privateKeyToAccount(options.key);
  let chainId = options.startChainId ?? options.chainId;
  const knownChains = new Set([options.chainId, chainId]);
  let authorized = false;
  let locked = false;
  let rejecting = false;
  const requests: WalletRequest[] = [];
  const transactions: Hex[] = [];
  const chain = defineChain({
    id: options.chainId,
    name: "anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  let rpcId = 0;

  async function forward(method: string, params: unknown): Promise<unknown> {
    const response = await fetch(options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params: params ?? [] }),
    });
    const body = (await response.json()) as {
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    if (body.error) throw new RpcError(body.error.code, body.error.message, body.error.data);
    return body.result;
  }

  const permissions = () => [
    {
      parentCapability: "eth_accounts",
      invoker: "test-wallet",
      date: Date.now(),
      caveats: [{ type: "restrictReturnedAccounts", value: [account.address.toLowerCase()] }],
    },
  ];

  const requireSigner = (address: unknown) => {
    if (locked || !authorized) throw new RpcError(4100, "the site is not connected to this wallet");
    if (typeof address !== "string" || address.toLowerCase() !== account.address.toLowerCase()) {
      throw new RpcError(4100, `the wallet does not hold ${String(address)}`);
    }
  };

  async function handle(method: string, params: any): Promise<unknown> {
    switch (method) {
      case "eth_chainId":
        return toHex(chainId);
      case "net_version":
        return String(chainId);
      case "eth_accounts":
        return authorized && !locked ? [account.address.toLowerCase()] : [];
      case "eth_coinbase":
        return authorized && !locked ? account.address.toLowerCase() : null;
      case "eth_requestAccounts":
        if (locked) throw userRejected("the wallet is locked");
        authorized = true;
        return [account.address.toLowerCase()];
      case "wallet_requestPermissions":
        if (locked) throw userRejected("the wallet is locked");
        authorized = true;
        return permissions();
      case "wallet_getPermissions":
        return authorized ? permissions() : [];
      case "wallet_revokePermissions":
        authorized = false;
        return null;
      case "wallet_switchEthereumChain": {
        const target = hexToNumber(params?.[0]?.chainId);
        if (!knownChains.has(target)) throw new RpcError(4902, `Unrecognized chain ID ${toHex(target)}`);
        if (target !== chainId) {
          chainId = target;
          void emit("chainChanged", toHex(chainId));
        }
        return null;
      }
      case "wallet_addEthereumChain":
        knownChains.add(hexToNumber(params?.[0]?.chainId));
        return null;
      case "personal_sign": {
        const [data, address] = params as [string, string];
        requireSigner(address);
        if (rejecting) throw userRejected("personal_sign");
        return account.signMessage({ message: isHex(data) ? { raw: data } : data });
      }
      case "eth_signTypedData_v4": {
        const [address, json] = params as [string, string];
        requireSigner(address);
        if (rejecting) throw userRejected("eth_signTypedData_v4");
        const typed = typeof json === "string" ? JSON.parse(json) : json;
        const { EIP712Domain: _domain, ...types } = typed.types ?? {};
        return account.signTypedData({
          domain: typed.domain,
          types,
          primaryType: typed.primaryType,
          message: typed.message,
        } as TypedDataDefinition);
      }
      case "eth_sign":
        throw new RpcError(4200, "eth_sign is not supported");
      case "eth_sendTransaction": {
        const [tx] = params as [Record<string, Hex | undefined>];
        requireSigner(tx?.from ?? account.address);
        if (rejecting) throw userRejected("eth_sendTransaction");
        if (chainId !== options.chainId) throw new RpcError(4901, `the wallet is on chain ${chainId}`);
        const client = createWalletClient({ account, chain, transport: http(options.rpcUrl) });
        const hash = await client.sendTransaction({
          ...(tx!.to ? { to: tx!.to } : {}),
          ...(tx!.data ? { data: tx!.data } : tx!.input ? { data: tx!.input } : {}),
          ...(tx!.value ? { value: hexToBigInt(tx!.value) } : {}),
          ...(tx!.gas ? { gas: hexToBigInt(tx!.gas) } : {}),
        } as Parameters<typeof client.sendTransaction>[0]);
        transactions.push(hash);
        return hash;
      }
      default:
        return forward(method, params);
    }
  }

  async function emit(event: string, data: unknown) {
    await Promise.all(
      context.pages().map(
        (page) =>
          page
            .evaluate(([name, event, data]) => (window as any)[name as string]?.(event, data), [
              EMIT,
              event,
              data,
            ] as const)
            .catch(() => undefined), // a page that is navigating hears it on its next load
      ),
    );
  }

  await context.exposeBinding(BINDING, async (_source, payload: { method: string; params?: unknown }) => {
    try {
      const result = await handle(payload.method, payload.params);
      requests.push({ method: payload.method, params: payload.params, outcome: "ok" });
      return { result };
    } catch (error) {
      const code = error instanceof RpcError ? error.code : -32603;
      requests.push({ method: payload.method, params: payload.params, outcome: code });
      const data = error instanceof RpcError ? error.data : undefined;
      return {
        error: { code, message: (error as Error).message, ...(data === undefined ? {} : { data }) },
      };
    }
  });
  await context.addInitScript(pageScript, {
    name: options.name ?? "Test Wallet",
    rdns: options.rdns ?? "org.refcodes.testwallet",
    binding: BINDING,
    emit: EMIT,
  });

  const accountsNow = () => (authorized && !locked ? [account.address.toLowerCase()] : []);
  return {
    get address() {
      return account.address;
    },
    get chainId() {
      return chainId;
    },
    requests,
    transactions,
    async use(key) {
      account = privateKeyToAccount(key);
      if (authorized && !locked) await emit("accountsChanged", accountsNow());
    },
    async lock() {
      locked = true;
      await emit("accountsChanged", []);
    },
    async unlock() {
      locked = false;
      if (authorized) await emit("accountsChanged", accountsNow());
    },
    rejectSignatures(on) {
      rejecting = on;
    },
    async setChain(id) {
      knownChains.add(id);
      if (id === chainId) return;
      chainId = id;
      await emit("chainChanged", toHex(id));
    },
    async disconnectSite() {
      authorized = false;
      await emit("accountsChanged", []);
    },
  };
}
