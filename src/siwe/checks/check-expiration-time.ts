/** An `Expiration Time`, when present, must not have passed. */
import { SiweError } from '../siwe-error.js';
import { parseRfc3339 } from '../rfc3339.js';
import type { SiweContext } from './context.js';

export function checkExpirationTime({ message, expected }: SiweContext): void {
  if (message.expirationTime === undefined) return;
  const expiresAt = parseRfc3339(message.expirationTime) ?? Number.NaN;
  if (!(expected.now < expiresAt)) {
    throw new SiweError('expired_message', `the message expired at ${message.expirationTime}`);
  }
}
