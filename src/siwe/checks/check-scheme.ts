/** An optional `scheme://` before the domain must be the issuer's scheme. */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export function checkScheme({ message, expected }: SiweContext): void {
  if (message.scheme !== undefined && message.scheme !== expected.scheme) {
    throw new SiweError('scheme_mismatch', `the message names scheme ${message.scheme}, but this is ${expected.scheme}`);
  }
}
