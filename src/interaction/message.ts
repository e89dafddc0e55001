/**
 * GET /interaction/:uid/message?address=0x…&chainId=1 — the exact EIP-4361
 * text to sign for this interaction, for pages and signers that would rather
 * not build it themselves.
 */
import type { Context } from 'koa';
import { toChecksumAddress } from '../siwe/address.js';
import { SiweError } from '../siwe/siwe-error.js';
import { formatSiweMessage } from '../siwe/eip4361.js';
import { challengeFor } from './challenge.js';
import type { InteractionDeps } from './deps.js';
import { type Loaded, loadInteraction } from './load.js';
import { Problem } from '../web/problem.js';
import { siweFields } from './view-model.js';

/** The `address` query parameter, EIP-55 (mixed case with a bad checksum is refused). */
export function readAddress(raw: unknown): string {
  if (typeof raw !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(raw)) {
    throw new Problem('invalid_request', 'address must be 0x followed by 40 hexadecimal digits');
  }
  if (raw !== raw.toLowerCase() && raw.slice(2) !== raw.slice(2).toUpperCase() && toChecksumAddress(raw) !== raw) {
    throw new SiweError('invalid_address', 'the address has mixed case but an invalid EIP-55 checksum');
  }
  return toChecksumAddress(raw);
}

export function readChainId(raw: unknown, allowed: readonly number[]): number {
  const chainId = typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!allowed.includes(chainId)) {
    throw new SiweError('chain_not_allowed', `chainId must be one of: ${allowed.join(', ')}`);
  }
  return chainId;
}

/** The answer for `?address=…&chainId=…`: the exact text to sign for a loaded interaction (here and on the phone). */
export function messageFor(
  loaded: Loaded,
  { config, nonceKey }: Pick<InteractionDeps, 'config' | 'nonceKey'>,
  query: Context['query'],
): { address: string; chainId: number; message: string } {
  const address = readAddress(query.address);
  const chainId = readChainId(query.chainId, config.chainIds);
  const { scheme: _scheme, chainIds: _chainIds, ...fields } = siweFields(loaded, config, challengeFor(nonceKey, loaded.interaction));
  return { address, chainId, message: formatSiweMessage({ ...fields, address, chainId }) };
}

export function message(deps: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    ctx.body = messageFor(await loadInteraction(ctx, deps.provider, 'login'), deps, ctx.query);
  };
}
