/** A `Not Before`, when present, must have passed. */
import { SiweError } from '../siwe-error.js';
import { parseRfc3339 } from '../rfc3339.js';
import type { SiweContext } from './context.js';

export function checkNotBefore({ message, expected }: SiweContext): void {
  if (message.notBefore === undefined) return;
  const validFrom = parseRfc3339(message.notBefore) ?? Number.NaN;
  if (!(validFrom <= expected.now)) {
    throw new SiweError('not_yet_valid', `the message is not valid before ${message.notBefore}`);
  }
}
