/**
 * The refusals of the Sign-In with Ethereum layer: a Problem whose code is
 * one of these, each the README's `error` for the rule that failed (HTTP 400
 * unless said otherwise).
 */
import { Problem } from '../web/problem.js';

export type SiweErrorCode =
  | 'malformed_message'
  | 'invalid_address'
  | 'invalid_signature'
  | 'domain_mismatch'
  | 'scheme_mismatch'
  | 'uri_mismatch'
  | 'chain_not_allowed'
  | 'nonce_mismatch'
  | 'nonce_consumed'
  | 'issued_at_in_future'
  | 'issued_at_too_old'
  | 'expired_message'
  | 'not_yet_valid'
  | 'resource_mismatch'
  | 'contract_wallet_unsupported'
  | 'chain_unavailable';

export class SiweError extends Problem<SiweErrorCode> {
  constructor(code: SiweErrorCode, description: string, status = 400) {
    super(code, description, status);
    this.name = 'SiweError';
  }
}
