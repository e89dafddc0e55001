/**
 * SIWE verification cost, in process: our whole pipeline verifySiwe() (parse,
 * every check, EIP-191 recovery, nonce use via an in-memory Set) against ethers'
 * verifyMessage (recovery only) on the same signed messages. Operations run in
 * interleaved blocks and each figure is the median block, to resist noise.
 * Run alone: `npx tsx bench/micro.ts`.
 */
import { pathToFileURL } from 'node:url';
import { verifyMessage } from 'ethers';
import { verifySiwe, type SiweExpectation } from '../src/siwe/checks/index.js';
import { formatSiweMessage, parseSiweMessage } from '../src/siwe/message.js';
import { recoverAddress } from '../src/siwe/signature.js';
import { newWallets } from './lib/wallets.js';

export interface MicroResult {
  verifySiweUs: number;
  ethersUs: number;
  parseUs: number;
  recoverUs: number;
  blocks: number;
  perBlock: Record<string, number>;
}

interface Fixture {
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
    const message = formatSiweMessage({
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
    });
    const expected: SiweExpectation = {
      domain: 'id.example.com',
      scheme: 'https',
      uri: ISSUER,
      chainIds: [1],
      nonce,
      challengeIssuedAt: now,
      redirectUri: 'https://app.example.com/oauth/callback',
      clockSkewMs: 60_000,
      now,
      consumeNonce,
    };
    return { attempt: { message, signature: wallet.sign(message) }, expected, address: wallet.address };
  });
}

type Op = (fixture: Fixture) => unknown;

const OPS: Record<string, Op> = {
  verifySiwe: async (f) => {
    issued.add(f.expected.nonce);
    const { address } = await verifySiwe(f.attempt, f.expected);
    if (address !== f.address) throw new Error('verifySiwe: wrong address');
  },
  ethers: (f) => {
    if (verifyMessage(f.attempt.message, f.attempt.signature) !== f.address) throw new Error('ethers: wrong address');
  },
  parse: (f) => parseSiweMessage(f.attempt.message),
  recover: (f) => recoverAddress(f.attempt.message, f.attempt.signature),
};

async function block(op: Op, pool: Fixture[], iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await op(pool[i % pool.length]!);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export async function benchMicro(options: { blocks?: number; perBlock?: number; ethersPerBlock?: number } = {}): Promise<MicroResult> {
  const blocks = options.blocks ?? 7;
  const perBlock = { verifySiwe: options.perBlock ?? 1000, ethers: options.ethersPerBlock ?? 200, parse: 1000, recover: 1000 };
  const pool = fixtures(256);
  for (const [name, op] of Object.entries(OPS)) await block(op, pool, perBlock[name as keyof typeof perBlock]); // warm-up
  const samples: Record<string, number[]> = { verifySiwe: [], ethers: [], parse: [], recover: [] };
  for (let b = 0; b < blocks; b++) {
    for (const [name, op] of Object.entries(OPS)) samples[name]!.push(await block(op, pool, perBlock[name as keyof typeof perBlock]));
  }
  return {
    verifySiweUs: median(samples.verifySiwe!),
    ethersUs: median(samples.ethers!),
    parseUs: median(samples.parse!),
    recoverUs: median(samples.recover!),
    blocks,
    perBlock,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchMicro());
}
