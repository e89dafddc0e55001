/** Strict EIP-4361 parse; also enforces `Version: 1` and the EIP-55 address checksum. */
import { parseSiweMessage } from '../eip4361.js';
import type { SiweContext } from './context.js';

export function parseMessage(ctx: SiweContext): void {
  ctx.message = parseSiweMessage(ctx.attempt.message);
}
