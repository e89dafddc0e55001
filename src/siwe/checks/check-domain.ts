/** EIP-4361 `domain` must be the issuer's host, port included. */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export function checkDomain({ message, expected }: SiweContext): void {
  if (message.domain !== expected.domain) {
    throw new SiweError('domain_mismatch', `the message is for ${message.domain}, but this is ${expected.domain}`);
  }
}
