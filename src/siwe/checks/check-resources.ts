/** `Resources` must start with this authorization's redirect_uri: the user sees where they are going. */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export function checkResources({ message, expected }: SiweContext): void {
  if (message.resources?.[0] !== expected.redirectUri) {
    throw new SiweError('resource_mismatch', `the first resource must be the application's redirect URI ${expected.redirectUri}`);
  }
}
