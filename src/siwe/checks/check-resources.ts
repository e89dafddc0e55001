/**
 * `Resources` must start with where this sign-in goes, so the person sees it in
 * their wallet: the authorization request's redirect_uri, or for a device
 * sign-in the device request's verification_uri_complete (with the code the
 * device shows).
 */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export function checkResources({ message, expected }: SiweContext): void {
  if (message.resources?.[0] !== expected.firstResource) {
    const what =
      expected.firstResourceKind === 'device_request' ? "this device request's verification URI" : "the application's redirect URI";
    throw new SiweError('resource_mismatch', `the first resource must be ${what} ${expected.firstResource}`);
  }
}
