/**
 * SUBJECT_FORMAT: what `sub` is. `address`: the EIP-55 address.
 * `caip10`: `eip155:<chainId>:<address>` (CAIP-10), one subject per chain.
 */
import { parseChoice } from './values.js';

export type SubjectFormat = 'address' | 'caip10';
export const SUBJECT_FORMATS: readonly SubjectFormat[] = ['address', 'caip10'];

export function parseSubjectFormat(raw: string | undefined, problems: string[]): SubjectFormat {
  return parseChoice('SUBJECT_FORMAT', raw, SUBJECT_FORMATS, 'address', problems);
}
