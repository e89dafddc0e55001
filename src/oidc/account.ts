/**
 * Accounts are Ethereum addresses: nothing is stored about a person.
 * The accountId is the EIP-55 address, and oidc-provider makes it the `sub`.
 */
import type { Account, FindAccount } from 'oidc-provider';
import { isChecksumAddress } from '../siwe/address.js';

export const findAccount: FindAccount = (_ctx, accountId): Account | undefined => {
  if (!isChecksumAddress(accountId)) return undefined;
  return {
    accountId,
    claims: () => ({ sub: accountId }),
  };
};
