/**
 * Every rule a Sign-In with Ethereum login must pass, in order. Cheap,
 * stateless checks first; the signature next; the single-use nonce last, so a
 * rejected attempt never burns the challenge.
 */
import { checkChainId } from './check-chain-id.js';
import { checkContractSignature } from './check-contract-signature.js';
import { checkDomain } from './check-domain.js';
import { checkExpirationTime } from './check-expiration-time.js';
import { checkIssuedAt } from './check-issued-at.js';
import { checkNonce } from './check-nonce.js';
import { checkNotBefore } from './check-not-before.js';
import { checkResources } from './check-resources.js';
import { checkScheme } from './check-scheme.js';
import { checkSignature } from './check-signature.js';
import { checkUri } from './check-uri.js';
import { consumeNonce } from './consume-nonce.js';
import type { SiweAttempt, SiweCheck, SiweContext, SiweExpectation, WalletType } from './context.js';
import { parseMessage } from './parse-message.js';
import type { SiweMessage } from '../eip4361.js';

export type { ContractWallets, SiweAttempt, SiweCheck, SiweExpectation, WalletType } from './context.js';

export const SIWE_CHECKS: readonly SiweCheck[] = [
  parseMessage,
  checkDomain,
  checkScheme,
  checkUri,
  checkChainId,
  checkNonce,
  checkIssuedAt,
  checkExpirationTime,
  checkNotBefore,
  checkResources,
  checkSignature,
  checkContractSignature,
  consumeNonce,
];

export interface VerifiedSiwe {
  message: SiweMessage;
  /** The EIP-55 address that signed. */
  address: string;
  /** How the signature was proven. */
  walletType: WalletType;
}

/** Runs the checks in order; the first failure throws its SiweError. */
export async function verifySiwe(
  attempt: SiweAttempt,
  expected: SiweExpectation,
  checks: readonly SiweCheck[] = SIWE_CHECKS,
): Promise<VerifiedSiwe> {
  const ctx = { attempt, expected } as SiweContext;
  for (const check of checks) {
    const pending = check(ctx);
    if (pending) await pending;
  }
  if (ctx.signer === undefined || ctx.walletType === undefined) throw new Error('verifySiwe: no signature check ran');
  return { message: ctx.message, address: ctx.signer, walletType: ctx.walletType };
}
