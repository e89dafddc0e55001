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
  | 'resource_mismatch';

/**
 * The one error class of the Sign-In with Ethereum layer. `message` is the human-readable description, `code` the
 * machine-readable reason and `status` the HTTP status a caller should answer with.
 */
export class SiweError extends Error {
  readonly code: SiweErrorCode;
  readonly status: number;

  constructor(code: SiweErrorCode, description: string, status = 400) {
    super(description);
    this.name = 'SiweError';
    this.code = code;
    this.status = status;
  }
}
