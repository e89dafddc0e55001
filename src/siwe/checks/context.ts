/** What one login attempt is checked against, and what the checks learn on the way. */
import type { SiweMessage } from '../eip4361.js';
import type { SiweError } from '../siwe-error.js';

/** How a login was proven: the account's own key (EIP-191), or its contract (ERC-1271, ERC-6492). */
export type WalletType = 'eoa' | 'eip1271' | 'eip6492';

/**
 * Account contracts that decide on signatures (ERC-1271, ERC-6492), per chain:
 * has() is false for a chain without an RPC; verify() resolves to how the
 * account accepted the signature, false when it did not, or 'unavailable'
 * when the chain cannot be asked (check-contract-signature then refuses with
 * SiweError('chain_unavailable')). It answers with a value, not with one of
 * our error classes: the chain code is imported lazily (app.ts), and a loader
 * may give a lazily imported module its own copy of a shared module, whose
 * classes then fail `instanceof` (as under mocha with tsx).
 */
export interface ContractWallets {
  has(chainId: number): boolean;
  verify(chainId: number, address: string, message: string, signature: string): Promise<'eip1271' | 'eip6492' | false | 'unavailable'>;
}

/** Everything the server issued for this interaction; every field is bound. */
export interface SiweExpectation {
  domain: string;
  scheme: string;
  uri: string;
  chainIds: readonly number[];
  nonce: string;
  /** When the challenge was issued (epoch ms): a message may not claim to be older. */
  challengeIssuedAt: number;
  /**
   * resources[0] must be this: the authorization request's redirect_uri, or
   * for a device sign-in (RFC 8628) the device request's verification_uri_complete.
   */
  firstResource: string;
  /** Which of the two firstResource is, for the refusal's words; default redirect_uri. */
  firstResourceKind?: 'redirect_uri' | 'device_request' | undefined;
  clockSkewMs: number;
  now: number;
  /** Atomically marks the nonce used; resolves false when it already was. */
  consumeNonce(nonce: string): Promise<boolean>;
  /** Contract-wallet verification; absent or without the message's chain: EOAs only. */
  contractWallets?: ContractWallets | undefined;
}

export interface SiweAttempt {
  message: string;
  signature: string;
  /**
   * The message already parsed by the caller, with the text it parsed (the
   * audit parses it before the interaction is loaded): parse-message uses it
   * when that text is this attempt's message, rather than parsing again.
   */
  parsed?: { text: string; message: SiweMessage };
}

export interface SiweContext {
  readonly attempt: SiweAttempt;
  readonly expected: SiweExpectation;
  /** Set by parse_message; every later check may rely on it. */
  message: SiweMessage;
  /** Set by check-signature or check-contract-signature: the EIP-55 address that signed. */
  signer?: string;
  /** Set with signer: how the login was proven. */
  walletType?: WalletType;
  /** Set by check-signature when the key did not sign: why, for the contract check's answer. */
  eoaRefusal?: SiweError;
}

export type SiweCheck = (ctx: SiweContext) => void | Promise<void>;
