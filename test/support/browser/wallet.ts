/**
 * A test wallet injected into a page the way real wallets inject themselves:
 * an EIP-1193 provider announced with EIP-6963 (and optionally as
 * window.ethereum), whose requests are answered here in Node by ethers Wallets.
 * It can be told to refuse a request with an EIP-1193 error code, and to
 * change account or chain while the page is open.
 */
import { randomUUID } from 'node:crypto';
import { getBytes, Wallet } from 'ethers';
import type { Page } from 'playwright-core';

/**
 * An account the wallet signs for: an ethers Wallet (an EOA), or any account
 * that answers personal_sign its own way, e.g. a Safe whose owners sign
 * (see test/support/chain/wallets.ts).
 */
export interface Signer {
  readonly address: string;
  signMessage(message: string | Uint8Array): Promise<string>;
}

export interface ProviderError {
  code: number;
  message: string;
}

export interface WalletOptions {
  name: string;
  /** The wallet's accounts; the first is selected. Default: one new random account. */
  accounts?: Signer[];
  chainId?: number;
  /** Announce with EIP-6963 (default true). */
  announce?: boolean;
  /** Also set window.ethereum (default false). */
  legacy?: boolean;
  /** Chains the wallet refuses to switch to (EIP-1193 code 4902: unrecognized chain). */
  unknownChains?: number[];
  /** Offer every account to the page (default: only the selected one, as most wallets do). */
  allAccounts?: boolean;
  /** A broken wallet: signs with this key whatever account is asked. */
  signWith?: Signer;
}

/** A 32 × 32 SVG icon as a data: URI, as EIP-6963 asks, in the wallet's own colour. */
function iconFor(colour: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="${colour}"/><path d="M16 5l7 11-7 4-7-4zM9 18l7 4 7-4-7 9z" fill="#fff"/></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

const COLOURS = ['#f6851b', '#0052ff', '#8a2be2', '#2e7d32'];
let walletCount = 0;

export class TestWallet {
  readonly info: { uuid: string; name: string; icon: string; rdns: string };
  readonly accounts: Signer[];
  readonly announce: boolean;
  readonly legacy: boolean;
  readonly unknownChains: number[];
  readonly allAccounts: boolean;
  readonly signWith: Signer | undefined;
  chainId: number;
  /** Every request the page made to this wallet. */
  readonly requests: { method: string; params: unknown[] }[] = [];
  #failures = new Map<string, ProviderError[]>();
  #page: Page | undefined;

  constructor(options: WalletOptions) {
    const n = walletCount++;
    this.info = { uuid: randomUUID(), name: options.name, icon: iconFor(COLOURS[n % COLOURS.length]!), rdns: `test.siwe-idp.wallet${n}` };
    this.accounts = options.accounts ?? [Wallet.createRandom()];
    this.chainId = options.chainId ?? 1;
    this.announce = options.announce ?? true;
    this.legacy = options.legacy ?? false;
    this.unknownChains = options.unknownChains ?? [];
    this.allAccounts = options.allAccounts ?? false;
    this.signWith = options.signWith;
  }

  /** The accounts the page sees: the selected one first. */
  get offered(): string[] {
    return (this.allAccounts ? this.accounts : this.accounts.slice(0, 1)).map((account) => account.address);
  }

  get address(): string {
    return this.accounts[0]!.address;
  }

  /** The next `method` request fails with this EIP-1193 error (4001: user rejected; -32002: already pending). */
  failNext(method: string, code: number, message = code === 4001 ? 'User rejected the request.' : 'Request already pending.'): void {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), { code, message }]);
  }

  /** Makes account `index` the selected one and tells the page (accountsChanged). */
  async selectAccount(index: number): Promise<void> {
    const [chosen] = this.accounts.splice(index, 1);
    this.accounts.unshift(chosen!);
    await this.emit('accountsChanged', this.offered);
  }

  /** Switches chain by itself, as a user would in the wallet, and tells the page (chainChanged). */
  async selectChain(chainId: number): Promise<void> {
    this.chainId = chainId;
    await this.emit('chainChanged', `0x${chainId.toString(16)}`);
  }

  async emit(event: string, value: unknown): Promise<void> {
    if (!this.#page) throw new Error('the wallet is not injected in a page');
    await this.#page.evaluate(
      `window.__testWalletEmit(${JSON.stringify(this.info.uuid)}, ${JSON.stringify(event)}, ${JSON.stringify(value)})`,
    );
  }

  attach(page: Page): void {
    this.#page = page;
  }

  /** Answers one EIP-1193 request, as { result } or { error }. */
  async answer(method: string, params: unknown[]): Promise<{ result?: unknown; error?: ProviderError }> {
    this.requests.push({ method, params });
    const failure = this.#failures.get(method)?.shift();
    if (failure) return { error: failure };
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_accounts':
        return { result: this.offered };
      case 'eth_chainId':
        return { result: `0x${this.chainId.toString(16)}` };
      case 'personal_sign': {
        // personal_sign: hex-encoded UTF-8 data first, the address second
        const [data, address] = params as [string, string];
        const signer = this.accounts.find((account) => account.address.toLowerCase() === String(address).toLowerCase());
        if (!signer) return { error: { code: 4100, message: 'The requested account has not been authorized.' } };
        return { result: await (this.signWith ?? signer).signMessage(getBytes(data)) };
      }
      case 'wallet_switchEthereumChain': {
        const chainId = Number.parseInt((params[0] as { chainId: string }).chainId, 16);
        if (this.unknownChains.includes(chainId)) return { error: { code: 4902, message: 'Unrecognized chain ID.' } };
        if (chainId !== this.chainId) await this.selectChain(chainId);
        return { result: null };
      }
      default:
        return { error: { code: 4200, message: `The wallet does not support ${method}.` } };
    }
  }
}

type WalletConfig = { info: TestWallet['info']; announce: boolean; legacy: boolean };

/**
 * Runs in the page before any of its scripts: one EIP-1193 provider per wallet, announced with
 * EIP-6963. Plain JavaScript source, since the test's own TypeScript is transpiled with helpers
 * the page does not have.
 */
const providersScript = (configs: WalletConfig[]) => `(() => {
  const emitters = new Map();
  for (const config of ${JSON.stringify(configs)}) {
    const listeners = new Map();
    const provider = {
      async request({ method, params }) {
        const answer = await window.__testWalletRequest(config.info.uuid, method, params ?? []);
        if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
        return answer.result;
      },
      on(event, listener) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event).add(listener);
        return provider;
      },
      removeListener(event, listener) {
        listeners.get(event)?.delete(listener);
        return provider;
      },
    };
    emitters.set(config.info.uuid, (event, value) => listeners.get(event)?.forEach((listener) => listener(value)));
    if (config.announce) {
      const detail = Object.freeze({ info: Object.freeze({ ...config.info }), provider });
      const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
      window.addEventListener('eip6963:requestProvider', announce);
      announce();
    }
    if (config.legacy && !window.ethereum) window.ethereum = provider;
  }
  window.__testWalletEmit = (uuid, event, value) => emitters.get(uuid)?.(event, value);
})();`;

/** Injects the wallets into every document the page loads. Call before the first navigation. */
export async function injectWallets(page: Page, wallets: TestWallet[]): Promise<void> {
  const byId = new Map(wallets.map((wallet) => [wallet.info.uuid, wallet]));
  await page.exposeBinding('__testWalletRequest', (_source, uuid: string, method: string, params: unknown[]) => {
    const wallet = byId.get(uuid);
    return wallet ? wallet.answer(method, params) : { error: { code: 4900, message: 'Disconnected.' } };
  });
  await page.addInitScript(
    providersScript(wallets.map((wallet) => ({ info: wallet.info, announce: wallet.announce, legacy: wallet.legacy }))),
  );
  for (const wallet of wallets) wallet.attach(page);
}
