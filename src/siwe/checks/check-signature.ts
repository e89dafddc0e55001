/**
 * An externally owned account: the EIP-191 signature recovers exactly the
 * message's address. No network, ever. When the key did not sign, the reason
 * is kept and check-contract-signature decides: the account may be a contract.
 */
import { SiweError } from '../siwe-error.js';
import { recoverSigner } from '../signature.js';
import type { SiweContext } from './context.js';

export function checkSignature(ctx: SiweContext): void {
  try {
    // parse-message already proved the address EIP-55 checksummed: compare the bytes.
    if (recoverSigner(ctx.attempt.message, ctx.attempt.signature) === ctx.message.address.toLowerCase()) {
      ctx.signer = ctx.message.address;
      ctx.walletType = 'eoa';
      return;
    }
    ctx.eoaRefusal = new SiweError('invalid_signature', `the signature was not made by ${ctx.message.address}`);
  } catch (error) {
    if (!(error instanceof SiweError)) throw error;
    ctx.eoaRefusal = error;
  }
}
