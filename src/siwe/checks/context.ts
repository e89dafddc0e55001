/** What one login attempt is checked against, and what the checks learn on the way. */
import type { SiweMessage } from '../eip4361.js';

/** Everything the server issued for this interaction; every field is bound. */
export interface SiweExpectation {
  domain: string;
  scheme: string;
  uri: string;
  chainIds: readonly number[];
  nonce: string;
  /** When the challenge was issued (epoch ms): a message may not claim to be older. */
  challengeIssuedAt: number;
  /** resources[0] must be this authorization request's redirect_uri. */
  redirectUri: string;
  clockSkewMs: number;
  now: number;
  /** Atomically marks the nonce used; resolves false when it already was. */
  consumeNonce(nonce: string): Promise<boolean>;
}

export interface SiweAttempt {
  message: string;
  signature: string;
}

export interface SiweContext {
  readonly attempt: SiweAttempt;
  readonly expected: SiweExpectation;
  /** Set by parse_message; every later check may rely on it. */
  message: SiweMessage;
  /** Set by check_signature: the EIP-55 address that signed. */
  signer?: string;
}

export type SiweCheck = (ctx: SiweContext) => void | Promise<void>;
