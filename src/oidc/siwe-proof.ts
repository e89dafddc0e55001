/**
 * The `siwe` scope: the exact EIP-4361 message the wallet signed and the
 * signature it produced, as `siwe_message` and `siwe_signature`, so a relying
 * party can check the proof itself instead of trusting ours. For an EOA that
 * is EIP-191 `personal_sign` recovery (ethers' verifyMessage); a contract
 * wallet's signature (`wallet_type` eip1271 or eip6492) is checked against
 * the chain, as ERC-1271 / ERC-6492 describe.
 *
 * The message names the application it was signed for (its statement and
 * `resources`): it is released only to that application. Another client that
 * reuses the session (single sign-on) gets no proof; it may ask for a fresh
 * one with `prompt=login`.
 */
import type { SiweProof } from './sign-in-record.js';

export function siweClaims(proof: SiweProof | undefined, clientId: string | undefined): Record<string, string> {
  if (!proof || proof.clientId !== clientId) return {};
  return { siwe_message: proof.message, siwe_signature: proof.signature };
}
