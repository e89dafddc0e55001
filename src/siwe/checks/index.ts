/**
 * Every rule a Sign-In with Ethereum login must pass, in order. Cheap,
 * stateless checks first; the signature next; the single-use nonce last, so a
 * rejected attempt never burns the challenge.
 */
import { checkChainId } from './check_chain_id.js';
import { checkDomain } from './check_domain.js';
import { checkExpirationTime } from './check_expiration_time.js';
import { checkIssuedAt } from './check_issued_at.js';
import { checkNonce } from './check_nonce.js';
import { checkNotBefore } from './check_not_before.js';
import { checkResources } from './check_resources.js';
import { checkScheme } from './check_scheme.js';
import { checkSignature } from './check_signature.js';
import { checkUri } from './check_uri.js';
import { consumeNonce } from './consume_nonce.js';
import type { SiweAttempt, SiweCheck, SiweContext, SiweExpectation } from './context.js';
import { parseMessage } from './parse_message.js';
import type { SiweMessage } from '../message.js';

export type { SiweAttempt, SiweCheck, SiweExpectation } from './context.js';

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
  consumeNonce,
];

export interface VerifiedSiwe {
  message: SiweMessage;
  /** The EIP-55 address that signed. */
  address: string;
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
  if (ctx.signer === undefined) throw new Error('verifySiwe: no signature check ran');
  return { message: ctx.message, address: ctx.signer };
}
