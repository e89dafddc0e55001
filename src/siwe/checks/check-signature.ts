/** The EIP-191 signature must recover exactly the message's address. */
import { SiweError } from '../siwe-error.js';
import { recoverSigner } from '../signature.js';
import type { SiweContext } from './context.js';

export function checkSignature(ctx: SiweContext): void {
  // parse_message already proved the address EIP-55 checksummed: compare the bytes.
  const signer = recoverSigner(ctx.attempt.message, ctx.attempt.signature);
  if (signer !== ctx.message.address.toLowerCase()) {
    throw new SiweError('invalid_signature', `the signature was not made by ${ctx.message.address}`);
  }
  ctx.signer = ctx.message.address;
}
