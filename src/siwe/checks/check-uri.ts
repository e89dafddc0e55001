/** `URI` must be the one issued for this login. */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export function checkUri({ message, expected }: SiweContext): void {
  if (message.uri !== expected.uri) {
    throw new SiweError('uri_mismatch', `the message URI must be ${expected.uri}`);
  }
}
