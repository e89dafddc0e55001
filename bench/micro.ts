/**
 * SIWE verification cost, in process: our whole pipeline verifySiwe() (parse,
 * every check, EIP-191 recovery, nonce use via an in-memory Set) against ethers'
 * verifyMessage (recovery only) on the same signed messages; and our EIP-4361
 * parser and formatter against the canonical siwe@3 library's (`new
 * SiweMessage(text)`, `new SiweMessage(fields).prepareMessage()`), plus what
 * importing siwe costs a fresh process. Operations run in interleaved blocks and
 * each figure is the median block, to resist noise.
 * Run alone: `npx tsx bench/micro.ts`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { verifyMessage } from 'ethers';
import { SiweMessage as SiweLibMessage } from 'siwe';
import { verifySiwe, type SiweExpectation } from '../src/siwe/checks/pipeline.js';
import { formatSiweMessage, parseSiweMessage, type SiweMessage } from '../src/siwe/eip4361.js';
import { recoverAddress } from '../src/siwe/signature.js';
import { newWallets } from './lib/wallets.js';

export interface MicroResult {
  verifySiweUs: number;
  ethersUs: number;
  parseUs: number;
  recoverUs: number;
  /** siwe@3 `new SiweMessage(text)` on the same messages as parseUs */
  siweParseUs: number;
  /** our formatSiweMessage(fields), which validates every term */
  formatUs: number;
  /** siwe@3 `new SiweMessage(fields).prepareMessage()` (its constructor re-parses the text) */
  siweFormatUs: number;
  /** `await import('siwe')` in a fresh node process: wall time and RSS growth (it loads ethers and apg-js) */
  siweImport: { ms: number; rssMb: number };
  blocks: number;
  perBlock: Record<string, number>;
}

interface Fixture {
  fields: SiweMessage;
  attempt: { message: string; signature: string };
  expected: SiweExpectation;
  address: string;
}

const ISSUER = 'https://id.example.com';
const issued = new Set<string>();
const consumeNonce = async (nonce: string) => issued.delete(nonce);

/** Signed logins as our server would receive them, each with its own nonce. */
function fixtures(count: number): Fixture[] {
  const now = Date.now();
  const wallets = newWallets(count);
  return wallets.map((wallet, i) => {
    const nonce = `${i.toString(16).padStart(8, '0')}${'a1b2c3d4e5f60718293a4b5c'}`;
    const fields: SiweMessage = {
      domain: 'id.example.com',
      address: wallet.address,
      statement: 'Sign in to Example App.',
      uri: ISSUER,
      version: '1',
      chainId: 1,
      nonce,
      issuedAt: new Date(now).toISOString(),
      expirationTime: new Date(now + 600_000).toISOString(),
      resources: ['https://app.example.com/oauth/callback'],
    };
    const message = formatSiweMessage(fields);
    const expected: SiweExpectation = {
      domain: 'id.example.com',
      scheme: 'https',
      uri: ISSUER,
      chainIds: [1],
      nonce,
      challengeIssuedAt: now,
      firstResource: 'https://app.example.com/oauth/callback',
      clockSkewMs: 60_000,
      now,
      consumeNonce,
    };
    return { fields, attempt: { message, signature: wallet.sign(message) }, expected, address: wallet.address };
  });
}

type Op = (fixture: Fixture) => unknown;

const OPS = {
  verifySiwe: async (f) => {
    issued.add(f.expected.nonce);
    const { address } = await verifySiwe(f.attempt, f.expected);
    if (address !== f.address) throw new Error('verifySiwe: wrong address');
  },
  ethers: (f) => {
    if (verifyMessage(f.attempt.message, f.attempt.signature) !== f.address) throw new Error('ethers: wrong address');
  },
  parse: (f) => parseSiweMessage(f.attempt.message),
  siweParse: (f) => new SiweLibMessage(f.attempt.message),
  format: (f) => formatSiweMessage(f.fields),
  siweFormat: (f) => new SiweLibMessage({ ...f.fields }).prepareMessage(),
  recover: (f) => recoverAddress(f.attempt.message, f.attempt.signature),
} satisfies Record<string, Op>;
type OpName = keyof typeof OPS;
const OP_NAMES = Object.keys(OPS) as OpName[];

/** Median of three fresh node processes timing `await import('siwe')`, and the RSS it adds. */
function siweImportCost(): { ms: number; rssMb: number } {
  const script =
    'const rss = process.memoryUsage().rss; const t = process.hrtime.bigint(); await import("siwe"); ' +
    'console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, rssMb: (process.memoryUsage().rss - rss) / 1048576 }));';
  const cwd = fileURLToPath(new URL('..', import.meta.url)); // where node_modules/siwe resolves
  const runs = [0, 1, 2].map(
    () =>
      JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' })) as {
        ms: number;
        rssMb: number;
      },
  );
  return { ms: median(runs.map((run) => run.ms)), rssMb: median(runs.map((run) => run.rssMb)) };
}

async function block(op: Op, pool: Fixture[], iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await op(pool[i % pool.length]!);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

export async function benchMicro(
  options: { blocks?: number; perBlock?: number; ethersPerBlock?: number; log?: (line: string) => void } = {},
): Promise<MicroResult> {
  const blocks = options.blocks ?? 7;
  const log = options.log ?? ((line: string) => console.log(line));
  const perBlock: Record<OpName, number> = {
    verifySiwe: options.perBlock ?? 1000,
    ethers: options.ethersPerBlock ?? 200,
    parse: 1000,
    siweParse: 200,
    format: 1000,
    siweFormat: 200,
    recover: 1000,
  };
  const pool = fixtures(256);
  for (const name of OP_NAMES) await block(OPS[name], pool, perBlock[name]); // warm-up
  const samples = Object.fromEntries(OP_NAMES.map((name) => [name, [] as number[]])) as Record<OpName, number[]>;
  for (let b = 0; b < blocks; b++) {
    for (const name of OP_NAMES) samples[name].push(await block(OPS[name], pool, perBlock[name]));
  }
  const r: MicroResult = {
    verifySiweUs: median(samples.verifySiwe),
    ethersUs: median(samples.ethers),
    parseUs: median(samples.parse),
    recoverUs: median(samples.recover),
    siweParseUs: median(samples.siweParse),
    formatUs: median(samples.format),
    siweFormatUs: median(samples.siweFormat),
    siweImport: siweImportCost(),
    blocks,
    perBlock,
  };
  log(
    `  EIP-4361 parse: ours ${r.parseUs.toFixed(1)} µs, siwe@3 new SiweMessage(text) ${r.siweParseUs.toFixed(1)} µs (${(r.siweParseUs / r.parseUs).toFixed(1)}× ours)`,
  );
  log(
    `  EIP-4361 text: ours formatSiweMessage ${r.formatUs.toFixed(1)} µs, siwe@3 prepareMessage() ${r.siweFormatUs.toFixed(1)} µs (${(r.siweFormatUs / r.formatUs).toFixed(1)}× ours)`,
  );
  log(`  import('siwe') in a fresh process: ${r.siweImport.ms.toFixed(0)} ms, +${r.siweImport.rssMb.toFixed(1)} MB RSS`);
  return r;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchMicro());
}
