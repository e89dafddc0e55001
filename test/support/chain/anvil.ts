/**
 * A private anvil (Foundry's local chain, from the @foundry-rs/anvil npm binary) on a free
 * loopback port, with its ten funded dev accounts as ethers Wallets. stop() ends it,
 * restart() starts a fresh chain on the same port (state lost), pause()/resume() freeze it
 * with SIGSTOP/SIGCONT so its RPC accepts connections but never answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network, Wallet } from 'ethers';
import { freePort } from '../redis-server.js';

export interface AnvilOptions {
  /** Chain id (default 31337). */
  chainId?: number;
  /** Seconds between blocks (interval mining); default: a block per transaction (automine). */
  blockTime?: number;
}

export interface Anvil {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
  /** A provider on `url` with a static network (it never asks eth_chainId by itself) and no
   *  response cache (ethers' default 250 ms cache would return stale nonces between transactions). */
  readonly provider: JsonRpcProvider;
  /** anvil's ten funded dev accounts (10,000 ETH each at genesis), connected to `provider`. */
  readonly accounts: Wallet[];
  /** Kills anvil and destroys `provider`; the Anvil cannot be restarted afterwards. */
  stop(): Promise<void>;
  /** Kills anvil and starts a new one on the same port. The chain starts again from genesis:
   *  every deployment, balance change and nonce is LOST. `provider` and `accounts` stay usable. */
  restart(): Promise<void>;
  /** SIGSTOP: the port still accepts TCP connections, but no request is ever answered. */
  pause(): void;
  /** SIGCONT: requests made while paused are answered now. */
  resume(): void;
}

/** The mnemonic anvil derives its default accounts from (m/44'/60'/0'/0/i). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

const require = createRequire(import.meta.url);
const STARTUP_TIMEOUT = 20_000;
const live = new Set<ChildProcess>();
let devKeys: string[] | undefined;

/** The path of the anvil binary of @foundry-rs/anvil for this platform. */
export function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
}

/** The private keys of anvil's ten default accounts (derived once per process). */
export function anvilDevKeys(): string[] {
  if (devKeys === undefined) {
    const root = HDNodeWallet.fromSeed(Mnemonic.fromPhrase(ANVIL_MNEMONIC).computeSeed());
    devKeys = Array.from({ length: 10 }, (_, i) => root.derivePath(`m/44'/60'/0'/0/${i}`).privateKey);
  }
  return devKeys;
}

export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const chainId = options.chainId ?? 31337;
  const args = (port: number) => [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--chain-id',
    String(chainId),
    '--silent',
    ...(options.blockTime === undefined ? [] : ['--block-time', String(options.blockTime)]),
  ];
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; child === undefined; attempt += 1) {
    port = await freePort();
    try {
      child = await spawnAnvil(args(port), port, chainId);
    } catch (error) {
      if (attempt >= 3) throw error; // the free port may have been taken in between: try another
    }
  }
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  const accounts = anvilDevKeys().map((key) => new Wallet(key, provider));
  let stopped = false;
  return {
    url,
    port,
    chainId,
    provider,
    accounts,
    async stop() {
      stopped = true;
      await kill(child);
      provider.destroy();
    },
    async restart() {
      if (stopped) throw new Error('anvil was stopped: start a new one');
      await kill(child);
      child = await retry(() => spawnAnvil(args(port), port, chainId));
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}

async function retry<T>(action: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((done) => setTimeout(done, 200));
    }
  }
}

/** Spawns anvil and resolves once it answers eth_chainId with `chainId`. */
async function spawnAnvil(args: string[], port: number, chainId: number): Promise<ChildProcess> {
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`anvil exited (${code ?? signal}) before answering on port ${port}:\n${stderr}`);
  });
  exited.catch(() => {}); // observed below; no unhandled rejection once anvil is up
  const deadline = Date.now() + STARTUP_TIMEOUT;
  while (Date.now() < deadline) {
    const answer = await Promise.race([chainIdAt(port), exited]);
    if (answer === chainId) return child;
    if (answer !== undefined) {
      await kill(child);
      throw new Error(`port ${port} answers chain id ${answer}, not ${chainId}`);
    }
    await Promise.race([new Promise((done) => setTimeout(done, 50)), exited]);
  }
  await kill(child);
  throw new Error(`anvil did not answer on port ${port} within ${STARTUP_TIMEOUT} ms:\n${stderr}`);
}

async function chainIdAt(port: number): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await response.json()) as { result?: string };
    return body.result === undefined ? undefined : Number(body.result);
  } catch {
    return undefined;
  }
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined) return;
  live.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL'); // also ends a SIGSTOPped process
  await exited;
}

/** Every anvil still running is killed when this process exits (normally or on SIGINT/SIGTERM). */
function track(child: ChildProcess): void {
  if (!hooksInstalled) installExitHooks();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

let hooksInstalled = false;
function installExitHooks(): void {
  hooksInstalled = true;
  const killAll = () => {
    for (const child of live) child.kill('SIGKILL');
    live.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Only where nobody else handles the signal: kill the children, then die of it as before.
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}
