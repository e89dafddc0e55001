/**
 * Compiles Solidity with the npm `solc` (soljson 0.8.30) for tests: optimizer on, 200 runs,
 * evmVersion cancun (COMPILER_SETTINGS). `@openzeppelin/...` imports resolve from node_modules.
 * Results are cached in memory per process (soljson is slow: seconds per compile).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';
import type { JsonFragment } from 'ethers';

const require = createRequire(import.meta.url);

/** The repository root: source keys of compileFile are paths relative to it. */
export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

/** The settings of every compile (they shape the bytecode, hence VALIDATE_SIG_OFFCHAIN_BYTECODE). */
export const COMPILER_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
} as const;

export interface CompiledContract {
  abi: JsonFragment[];
  /** Creation bytecode, 0x-prefixed. */
  bytecode: string;
}

/** Contracts by source key, then by contract name. */
export type CompiledSources = Record<string, Record<string, CompiledContract>>;

interface Solc {
  version(): string;
  compile(input: string, callbacks?: { import: (path: string) => { contents: string } | { error: string } }): string;
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: JsonFragment[]; evm: { bytecode: { object: string } } }>>;
}

let solc: Solc | undefined;
const cache = new Map<string, CompiledSources>();

/** The solc version string, e.g. `0.8.30+commit.73712a01.Emscripten.clang`. */
export function solcVersion(): string {
  return loadSolc().version();
}

function loadSolc(): Solc {
  solc ??= require('solc') as Solc;
  return solc;
}

/** Import callback: `@openzeppelin/...` (and any other package path) from node_modules. */
function findImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch (error) {
    return { error: `cannot resolve ${path}: ${(error as Error).message}` };
  }
}

/** Compiles a map of source key → Solidity text; throws on any compiler error. */
export function compileSources(sources: Record<string, string>): CompiledSources {
  const input = JSON.stringify({
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([key, content]) => [key, { content }])),
    settings: { ...COMPILER_SETTINGS, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  });
  const cached = cache.get(input);
  if (cached !== undefined) return cached;
  const output = JSON.parse(loadSolc().compile(input, { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((entry) => entry.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((entry) => entry.formattedMessage).join('\n')}`);
  const compiled: CompiledSources = {};
  for (const [source, contracts] of Object.entries(output.contracts ?? {})) {
    compiled[source] = Object.fromEntries(
      Object.entries(contracts).map(([name, contract]) => [name, { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }]),
    );
  }
  cache.set(input, compiled);
  return compiled;
}

/** Compiles one file (absolute, or relative to the repository root); its contracts by name. */
export function compileFile(path: string): Record<string, CompiledContract> {
  const absolute = isAbsolute(path) ? path : resolve(REPO_ROOT, path);
  const key = relative(REPO_ROOT, absolute).split('\\').join('/');
  const contracts = compileSources({ [key]: readFileSync(absolute, 'utf8') })[key];
  if (contracts === undefined) throw new Error(`solc produced nothing for ${key}`);
  return contracts;
}

/** One contract of a node_modules source, e.g. ('@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol', 'ERC1967Proxy'). */
export function compilePackageContract(importPath: string, name: string): CompiledContract {
  const contract = compileSources({ [importPath]: readFileSync(require.resolve(importPath), 'utf8') })[importPath]?.[name];
  if (contract === undefined) throw new Error(`no contract ${name} in ${importPath}`);
  return contract;
}

/** One contract of one file: compileFile(path)[name], or an error naming what is there. */
export function compileContract(path: string, name: string): CompiledContract {
  const contracts = compileFile(path);
  const contract = contracts[name];
  if (contract === undefined) throw new Error(`no contract ${name} in ${path} (found ${Object.keys(contracts).join(', ')})`);
  return contract;
}
