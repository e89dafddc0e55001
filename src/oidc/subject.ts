/**
 * Account ids and subjects. The accountId oidc-provider keeps in sessions and
 * tokens is the subject itself (oidc-provider puts it in introspection
 * responses, logout tokens and id_token_hint checks as `sub`):
 *
 *   SUBJECT_FORMAT=address   0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B            (EIP-55)
 *   SUBJECT_FORMAT=caip10    eip155:1:0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B   (CAIP-10)
 */
import type { SubjectFormat } from '../config/subject-format.js';
import { isChecksumAddress } from '../siwe/address.js';

const CAIP10_EIP155 = /^eip155:([1-9]\d{0,15}):(0x[0-9a-fA-F]{40})$/;

/** The CAIP-10 account id of an address on an EIP-155 chain. */
export function caip10(chainId: number, address: string): string {
  return `eip155:${chainId}:${address}`;
}

export function accountIdFor(address: string, chainId: number, format: SubjectFormat): string {
  return format === 'caip10' ? caip10(chainId, address) : address;
}

export interface ParsedAccountId {
  address: string;
  /** Present when the account id names its chain (CAIP-10). */
  chainId?: number;
}

/** Either form back to its parts; undefined for anything we did not issue. */
export function parseAccountId(accountId: string): ParsedAccountId | undefined {
  if (isChecksumAddress(accountId)) return { address: accountId };
  const match = CAIP10_EIP155.exec(accountId);
  if (!match || !isChecksumAddress(match[2]!) || !Number.isSafeInteger(Number(match[1]))) return undefined;
  return { address: match[2]!, chainId: Number(match[1]) };
}
