/** `Chain ID` must be one of the configured CHAIN_IDS. */
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

export function checkChainId({ message, expected }: SiweContext): void {
  if (!expected.chainIds.includes(message.chainId)) {
    throw new SiweError(
      'chain_not_allowed',
      `chain ${message.chainId} is not accepted here; accepted chains: ${expected.chainIds.join(', ')}`,
    );
  }
}
