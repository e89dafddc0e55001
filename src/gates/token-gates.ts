/**
 * Token gates: the client metadata `token_gates`, what a relying party asks of
 * the tokens an address holds before it signs in. Each gate names a group; the
 * gates an address meets are its `groups` (the `groups` scope), and a gate
 * marked `required` that it does not meet refuses the sign-in (and, later, the
 * refresh). Like `first_party`, it is the operator's: CLIENTS_FILE and the
 * command-line tool may set it, self-registration never (registration-policy.ts).
 *
 *   { "group": "holders", "chain_id": 1, "standard": "erc721",
 *     "contract": "0x…", "token_id": "42", "min_balance": "1", "required": true }
 *
 *   group        the name released in `groups`: 1-64 letters, digits or . _ - : /
 *                (one gate per group);
 *   chain_id     the EIP-155 chain, which needs an RPC (RPC_URLS);
 *   standard     erc721 (balanceOf; with token_id: ownerOf that token), erc1155
 *                (balanceOf of token_id), erc20 (balanceOf) or native (the
 *                chain's own coin);
 *   contract     the token contract, EIP-55 or all lowercase; not for native;
 *   token_id     a decimal string: required for erc1155, optional for erc721,
 *                refused otherwise;
 *   min_balance  a decimal string of base units (wei, the token's smallest
 *                unit), at least 1; default "1" (and only "1" with an erc721 token_id);
 *   required     true: no sign-in without it; false: it only adds its group.
 *
 * Validation happens where oidc-provider validates client metadata
 * (provider.ts), so the server's start, `config check` and `clients add` all
 * refuse a bad gate with the same words.
 */
import { isChecksumAddress, isHexAddress } from '../siwe/address.js';

export const TOKEN_GATES = 'token_gates';

export type TokenStandard = 'erc721' | 'erc1155' | 'erc20' | 'native';

export interface TokenGate {
  group: string;
  chainId: number;
  standard: TokenStandard;
  /** Lowercase hex; undefined for native. */
  contract?: string;
  tokenId?: bigint;
  minBalance: bigint;
  required: boolean;
}

/** At most this many gates per client (each is one read in its chain's one eth_call). */
export const MAX_GATES = 16;

const STANDARDS: readonly TokenStandard[] = ['erc721', 'erc1155', 'erc20', 'native'];
const FIELDS = new Set(['group', 'chain_id', 'standard', 'contract', 'token_id', 'min_balance', 'required']);
const GROUP = /^[A-Za-z0-9._:/-]{1,64}$/;
const DECIMAL = /^(0|[1-9]\d{0,77})$/;
const UINT256_MAX = (1n << 256n) - 1n;

/** A refusal of the metadata, in words for the operator (provider.ts makes it invalid_client_metadata). */
export class TokenGateError extends Error {
  constructor(message: string) {
    super(`${TOKEN_GATES}: ${message}`);
    this.name = 'TokenGateError';
  }
}

function uint256(value: unknown, where: string, field: string): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value) || BigInt(value) > UINT256_MAX) {
    throw new TokenGateError(`${where}: ${field} must be a decimal string of a whole number (uint256), e.g. "1"`);
  }
  return BigInt(value);
}

function parseGate(raw: unknown, index: number, rpcChains: ReadonlySet<number> | undefined): TokenGate {
  const where = `gate ${index}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TokenGateError(`${where} must be an object`);
  const gate = raw as Record<string, unknown>;
  const unknown = Object.keys(gate).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw new TokenGateError(`${where}: unknown field ${unknown.map((key) => `"${key}"`).join(', ')}`);
  const { group, chain_id: chainId, standard, contract, token_id: tokenId, min_balance: minBalance, required } = gate;
  if (typeof group !== 'string' || !GROUP.test(group)) {
    throw new TokenGateError(`${where}: group must be 1 to 64 letters, digits or . _ - : /`);
  }
  const named = `gate "${group}"`;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId < 1) {
    throw new TokenGateError(`${named}: chain_id must be a positive whole number (an EIP-155 chain id)`);
  }
  if (rpcChains && !rpcChains.has(chainId)) {
    throw new TokenGateError(`${named}: chain ${chainId} has no RPC: add it to RPC_URLS (and CHAIN_IDS), or remove the gate`);
  }
  if (typeof standard !== 'string' || !STANDARDS.includes(standard as TokenStandard)) {
    throw new TokenGateError(`${named}: standard must be one of ${STANDARDS.join(', ')}`);
  }
  if (typeof required !== 'boolean') throw new TokenGateError(`${named}: required must be true or false`);
  let address: string | undefined;
  if (standard === 'native') {
    if (contract !== undefined) throw new TokenGateError(`${named}: a native gate has no contract`);
  } else {
    if (typeof contract !== 'string' || !isHexAddress(contract) || !(contract === contract.toLowerCase() || isChecksumAddress(contract))) {
      throw new TokenGateError(`${named}: contract must be an address, 0x and 40 hex digits, in EIP-55 checksum case or all lowercase`);
    }
    address = contract.toLowerCase();
  }
  let id: bigint | undefined;
  if (tokenId !== undefined) {
    if (standard !== 'erc1155' && standard !== 'erc721') throw new TokenGateError(`${named}: token_id is only for erc1155 and erc721`);
    id = uint256(tokenId, named, 'token_id');
  } else if (standard === 'erc1155') {
    throw new TokenGateError(`${named}: an erc1155 gate needs token_id`);
  }
  const min = minBalance === undefined ? 1n : uint256(minBalance, named, 'min_balance');
  if (min < 1n) throw new TokenGateError(`${named}: min_balance must be at least 1 (a gate of 0 is met by everyone)`);
  if (standard === 'erc721' && id !== undefined && min !== 1n) {
    throw new TokenGateError(`${named}: an erc721 gate with token_id means "owns that token": min_balance can only be "1"`);
  }
  return {
    group,
    chainId,
    standard: standard as TokenStandard,
    ...(address === undefined ? {} : { contract: address }),
    ...(id === undefined ? {} : { tokenId: id }),
    minBalance: min,
    required,
  };
}

/**
 * The gates of `value` (the metadata), checked; TokenGateError says what is wrong.
 * `rpcChains`: the chains with an RPC (RPC_URLS); every gate's chain must be one.
 */
export function parseTokenGates(value: unknown, rpcChains?: ReadonlySet<number>): TokenGate[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TokenGateError('must be an array of gates');
  if (value.length > MAX_GATES) throw new TokenGateError(`at most ${MAX_GATES} gates per client`);
  const gates = value.map((gate, index) => parseGate(gate, index, rpcChains));
  const groups = gates.map((gate) => gate.group);
  const twice = groups.find((group, index) => groups.indexOf(group) !== index);
  if (twice !== undefined) throw new TokenGateError(`the group "${twice}" has two gates: give each gate its own group`);
  return gates;
}

const parsed = new WeakMap<object, TokenGate[]>();

/** The gates of a loaded client (already validated by oidc-provider); none for most clients. */
export function tokenGatesOf(client: object): TokenGate[] {
  let gates = parsed.get(client);
  if (gates === undefined) {
    gates = parseTokenGates((client as Record<string, unknown>)[TOKEN_GATES]);
    parsed.set(client, gates);
  }
  return gates;
}

/** "holders: an ERC-721 token of contract 0x… on chain 1", in plain words, for error descriptions and logs. */
export function describeGate(gate: TokenGate): string {
  const chain = `on chain ${gate.chainId}`;
  switch (gate.standard) {
    case 'native':
      return `group "${gate.group}": a balance of at least ${gate.minBalance} wei of the chain's native coin ${chain}`;
    case 'erc20':
      return `group "${gate.group}": at least ${gate.minBalance} base units of the ERC-20 token ${gate.contract} ${chain}`;
    case 'erc1155':
      return `group "${gate.group}": at least ${gate.minBalance} of token ${gate.tokenId} of the ERC-1155 contract ${gate.contract} ${chain}`;
    default:
      return gate.tokenId === undefined
        ? `group "${gate.group}": at least ${gate.minBalance} token(s) of the ERC-721 contract ${gate.contract} ${chain}`
        : `group "${gate.group}": token ${gate.tokenId} of the ERC-721 contract ${gate.contract} ${chain}`;
  }
}
