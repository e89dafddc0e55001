/** Last: the nonce is used up atomically, so one signed message logs in once, on any instance. */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export async function consumeNonce({ message, expected }: SiweContext): Promise<void> {
  if (!(await expected.consumeNonce(message.nonce))) {
    throw new SiweError('nonce_consumed', 'this signed message was already used; sign in again');
  }
}
