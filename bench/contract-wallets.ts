/**
 * Contract wallets, in process against a local anvil (through an RPC request
 * counter): what RPC_URLS costs an EOA login (verifySiwe with and without
 * contract-wallet verification configured, in interleaved blocks; it must make
 * no RPC request), and what a contract-wallet verification costs: a 1-of-1
 * Safe through ERC-1271 and a counterfactual Safe through the deployless
 * ERC-6492 validator, each one eth_call round trip to anvil.
 * Run alone: `npx tsx bench/contract-wallets.ts`.
 */
import { pathToFileURL } from 'node:url';
import { Chains } from '../src/chain/chains.js';
import { verifySiwe, type SiweExpectation } from '../src/siwe/checks/pipeline.js';
import { formatSiweMessage } from '../src/siwe/eip4361.js';
import { startAnvil } from '../test/support/chain/anvil.js';
import { startRpcCounter } from '../test/support/chain/rpc-counter.js';
import { counterfactualSafe, deploySafe, deploySafeInfrastructure, safeSignMessage, wrap6492 } from '../test/support/chain/wallets.js';
import { newWallets } from './lib/wallets.js';

export interface ContractWalletResult {
  eoaUs: number;
  eoaWithRpcUs: number;
  eoaRpcRequests: number;
  eip1271Ms: number;
  eip6492Ms: number;
  rpcRequestsPerContractLogin: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const DOMAIN = 'id.example.com';
const CALLBACK = 'https://app.example.com/oauth/callback';

function fieldsFor(address: string, chainId: number, nonce: string, now: number) {
  return {
    domain: DOMAIN,
    address,
    statement: 'Sign in to Example App.',
    uri: `https://${DOMAIN}`,
    version: '1' as const,
    chainId,
    nonce,
    issuedAt: new Date(now).toISOString(),
    expirationTime: new Date(now + 600_000).toISOString(),
    resources: [CALLBACK],
  };
}

function expectation(chainId: number, nonce: string, now: number, chains: Chains | undefined): SiweExpectation {
  return {
    domain: DOMAIN,
    scheme: 'https',
    uri: `https://${DOMAIN}`,
    chainIds: [chainId],
    nonce,
    challengeIssuedAt: now,
    firstResource: CALLBACK,
    clockSkewMs: 60_000,
    now,
    consumeNonce: async () => true,
    contractWallets: chains,
  };
}

export async function benchContractWallets(
  options: { blocks?: number; perBlock?: number; contractLogins?: number } = {},
): Promise<ContractWalletResult> {
  const blocks = options.blocks ?? 7;
  const perBlock = options.perBlock ?? 1000;
  const contractLogins = options.contractLogins ?? 50;
  const anvil = await startAnvil();
  const counter = await startRpcCounter(anvil.url);
  const chains = new Chains(new Map([[anvil.chainId, counter.url]]), 3000);
  try {
    const [deployer, owner] = anvil.accounts as [(typeof anvil.accounts)[0], (typeof anvil.accounts)[0]];
    const infra = await deploySafeInfrastructure(deployer);
    const safe = await deploySafe([owner], 1, infra, 1n, deployer);
    const ghost = counterfactualSafe([owner], 1, infra, 2n);
    const now = Date.now();
    const nonce = 'a1b2c3d4e5f60718293a4b5c';

    const eoas = newWallets(256).map((wallet) => {
      const message = formatSiweMessage(fieldsFor(wallet.address, anvil.chainId, nonce, now));
      return { address: wallet.address, attempt: { message, signature: wallet.sign(message) } };
    });
    const eoaBlock = async (withRpc: boolean) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < perBlock; i++) {
        const eoa = eoas[i % eoas.length]!;
        const { walletType } = await verifySiwe(eoa.attempt, expectation(anvil.chainId, nonce, now, withRpc ? chains : undefined));
        if (walletType !== 'eoa') throw new Error('expected an EOA');
      }
      return Number(process.hrtime.bigint() - started) / 1000 / perBlock;
    };
    await eoaBlock(false);
    await eoaBlock(true);
    counter.reset();
    const without: number[] = [];
    const withRpc: number[] = [];
    for (let b = 0; b < blocks; b++) {
      without.push(await eoaBlock(false));
      withRpc.push(await eoaBlock(true));
    }
    const eoaRpcRequests = counter.count();

    const contractRound = async (address: string, sign: (message: string) => string, expected: string) => {
      const times: number[] = [];
      for (let i = 0; i < contractLogins; i++) {
        const message = formatSiweMessage(fieldsFor(address, anvil.chainId, nonce, now));
        const attempt = { message, signature: sign(message) };
        const started = process.hrtime.bigint();
        const { walletType } = await verifySiwe(attempt, expectation(anvil.chainId, nonce, now, chains));
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (walletType !== expected) throw new Error(`expected ${expected}, got ${walletType}`);
      }
      return median(times);
    };
    counter.reset();
    const eip1271Ms = await contractRound(safe, (message) => safeSignMessage(safe, anvil.chainId, message, [owner]), 'eip1271');
    const eip6492Ms = await contractRound(
      ghost.address,
      (message) => wrap6492(ghost.factory, ghost.factoryCalldata, safeSignMessage(ghost.address, anvil.chainId, message, [owner])),
      'eip6492',
    );
    return {
      eoaUs: median(without),
      eoaWithRpcUs: median(withRpc),
      eoaRpcRequests,
      eip1271Ms,
      eip6492Ms,
      rpcRequestsPerContractLogin: counter.count() / (2 * contractLogins),
    };
  } finally {
    chains.close();
    await counter.close();
    await anvil.stop();
  }
}

export function describeContractWallets(r: ContractWalletResult): string[] {
  return [
    `  EOA verifySiwe: ${r.eoaUs.toFixed(1)} µs without RPC_URLS, ${r.eoaWithRpcUs.toFixed(1)} µs with an RPC for its chain (${(r.eoaWithRpcUs / r.eoaUs).toFixed(2)}×), ${r.eoaRpcRequests} RPC requests`,
    `  contract wallet, 1-of-1 Safe (ERC-1271): ${r.eip1271Ms.toFixed(2)} ms per verification; counterfactual Safe (ERC-6492, deployless): ${r.eip6492Ms.toFixed(2)} ms`,
    `  RPC requests per contract-wallet login: ${r.rpcRequestsPerContractLogin.toFixed(2)} (anvil on loopback: one eth_call round trip)`,
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of describeContractWallets(await benchContractWallets())) console.log(line);
  process.exit(0);
}
