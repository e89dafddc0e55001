/** `Issued At` may be neither in the future (beyond clock skew) nor older than the challenge. */
import { SiweError } from '../siwe-error.js';
import { parseRfc3339 } from '../rfc3339.js';
import type { SiweContext } from './context.js';

export function checkIssuedAt({ message, expected }: SiweContext): void {
  const issuedAt = parseRfc3339(message.issuedAt) ?? Number.NaN;
  if (!(issuedAt <= expected.now + expected.clockSkewMs)) {
    throw new SiweError('issued_at_in_future', `the message says it was issued at ${message.issuedAt}, which is in the future`);
  }
  if (issuedAt < expected.challengeIssuedAt - expected.clockSkewMs) {
    throw new SiweError('issued_at_too_old', `the message was issued at ${message.issuedAt}, before this sign-in began`);
  }
}
