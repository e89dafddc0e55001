/**
 * Published build artifacts (abi + creation bytecode) of the wallet contracts the chain tests
 * deploy: Safe 1.4.1 and ERC-4337 0.8 from their npm packages, never hand-written stand-ins.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ContractFactory, type ContractRunner, type JsonFragment, type Signer } from 'ethers';

const require = createRequire(import.meta.url);

export interface Artifact {
  abi: JsonFragment[];
  /** Creation bytecode, 0x-prefixed. */
  bytecode: string;
}

const SAFE = '@safe-global/safe-contracts/build/artifacts/contracts';
const AA = '@account-abstraction/contracts/artifacts';

/** Artifact file paths (module specifiers) by the name the helpers use. */
export const ARTIFACTS = {
  Safe: `${SAFE}/Safe.sol/Safe.json`,
  SafeProxyFactory: `${SAFE}/proxies/SafeProxyFactory.sol/SafeProxyFactory.json`,
  CompatibilityFallbackHandler: `${SAFE}/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json`,
  EntryPoint: `${AA}/EntryPoint.json`,
  SimpleAccount: `${AA}/SimpleAccount.json`,
  SimpleAccountFactory: `${AA}/SimpleAccountFactory.json`,
  Simple7702Account: `${AA}/Simple7702Account.json`,
} as const;

export type ArtifactName = keyof typeof ARTIFACTS;

const loaded = new Map<ArtifactName, Artifact>();

export function artifact(name: ArtifactName): Artifact {
  let found = loaded.get(name);
  if (found === undefined) {
    const json = JSON.parse(readFileSync(require.resolve(ARTIFACTS[name]), 'utf8')) as Artifact;
    found = { abi: json.abi, bytecode: json.bytecode };
    loaded.set(name, found);
  }
  return found;
}

/** Deploys `what` (an artifact name or a compiled { abi, bytecode }) and resolves to its address once mined. */
export async function deploy(what: ArtifactName | Artifact, deployer: Signer, ...args: unknown[]): Promise<string> {
  const { abi, bytecode } = typeof what === 'string' ? artifact(what) : what;
  const contract = await new ContractFactory(abi, bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return contract.getAddress();
}

/** The runner's provider, or an error saying it needs one. */
export function providerOf(runner: ContractRunner): NonNullable<ContractRunner['provider']> {
  if (runner.provider === null || runner.provider === undefined) throw new Error('this signer is not connected to a provider');
  return runner.provider;
}
