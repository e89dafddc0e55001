/**
 * Micro-benchmark of the message and signature layer: our parser, our EIP-191 recovery, both together, and ethers'
 * verifyMessage as the baseline in the same process. Run with `npx tsx bench/verify.ts`.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

import { Wallet, verifyMessage } from 'ethers';
import secp256k1 from 'secp256k1';

import { toChecksumAddress } from '../src/siwe/address.js';
import { formatSiweMessage, parseSiweMessage } from '../src/siwe/message.js';
import { hashPersonalMessage, recoverAddress } from '../src/siwe/signature.js';

const WARMUP = 1_000;
const ITERATIONS = 2_000;

/** Mean wall time of one call of `run`, in microseconds, after a warm-up. */
function measure(run: () => unknown): number {
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += Number(Boolean(run()));
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) sink += Number(Boolean(run()));
  const elapsed = Number(process.hrtime.bigint() - start) / 1_000 / ITERATIONS;
  if (sink !== WARMUP + ITERATIONS) throw new Error('benchmarked function returned a falsy value');
  return elapsed;
}

/** µs per operation, by operation name. */
export async function benchVerify(): Promise<Record<string, number>> {
  const wallet = new Wallet(`0x${'5a'.repeat(32)}`);
  const message = formatSiweMessage({
    scheme: 'https',
    domain: 'login.example.org',
    address: wallet.address,
    statement: 'Sign in to Example with your Ethereum account.',
    uri: 'https://login.example.org/interaction/3kYqfLq0u9Yy2zV8lq1cN',
    version: '1',
    chainId: 1,
    nonce: 'Qm3k9XyZ8a7B6c5D4e3F2g1H',
    issuedAt: '2024-05-01T10:00:00.000Z',
    expirationTime: '2024-05-01T10:05:00.000Z',
    requestId: 'req-42',
    resources: ['https://login.example.org/tos', 'ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/'],
  });
  const signature = await wallet.signMessage(message);
  if (recoverAddress(message, signature) !== wallet.address || verifyMessage(message, signature) !== wallet.address) {
    throw new Error('benchmark fixture does not verify');
  }

  return {
    'parseSiweMessage': measure(() => parseSiweMessage(message)),
    '  incl. toChecksumAddress (keccak)': measure(() => toChecksumAddress(wallet.address)),
    'recoverAddress': measure(() => recoverAddress(message, signature)),
    '  incl. hashPersonalMessage (keccak)': measure(() => hashPersonalMessage(message)),
    'parse + recover': measure(() => recoverAddress(message, signature) === parseSiweMessage(message).address),
    'ethers verifyMessage (baseline)': measure(() => verifyMessage(message, signature)),
  };
}

function printTable(results: Record<string, number>): void {
  const baseline = results['ethers verifyMessage (baseline)'] ?? Number.NaN;
  const width = Math.max(...Object.keys(results).map((name) => name.length));
  console.log(`${'operation'.padEnd(width)}  ${'µs/op'.padStart(9)}  ${'÷ ethers'.padStart(9)}`);
  for (const [name, micros] of Object.entries(results)) {
    console.log(`${name.padEnd(width)}  ${micros.toFixed(2).padStart(9)}  ${(micros / baseline).toFixed(4).padStart(9)}`);
  }
  const native = createRequire(import.meta.url)('secp256k1/bindings.js') === secp256k1;
  console.log(`(${ITERATIONS} iterations after ${WARMUP} warm-up, node ${process.version}, secp256k1 ${native ? 'native' : 'JS fallback'})`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await benchVerify());
}
