/** `Nonce` must be the one issued for this interaction. */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export function checkNonce({ message, expected }: SiweContext): void {
  if (message.nonce !== expected.nonce) {
    throw new SiweError('nonce_mismatch', 'the message nonce is not the one issued for this sign-in; reload the page');
  }
}
