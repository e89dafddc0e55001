/**
 * The login result a verified signature gives oidc-provider: the same for a
 * signature made on this page (interaction/login.ts) and one made on a phone
 * (a Proof, taken by the desktop).
 */
import type { Config } from '../config/env.js';
import { accountIdFor } from '../oidc/subject.js';
import type { WalletType } from '../siwe/checks/pipeline.js';
import type { Proof } from './handles.js';

export function proofOf(address: string, chainId: number, walletType: WalletType, config: Config): Proof {
  return {
    address,
    // The subject: the address, or its CAIP-10 form with SUBJECT_FORMAT=caip10 (see oidc/subject.ts).
    accountId: accountIdFor(address, chainId, config.subjectFormat),
    chainId,
    walletType,
    ts: Math.floor(Date.now() / 1000),
  };
}

/** The `login` member of the interaction result (chainId and walletType are kept for the `ethereum` scope). */
export function loginResultOf(proof: Proof) {
  return {
    login: { accountId: proof.accountId, amr: ['pop'], ts: proof.ts, chainId: proof.chainId, walletType: proof.walletType },
  };
}
