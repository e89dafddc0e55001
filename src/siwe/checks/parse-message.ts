/** Strict EIP-4361 parse (once: the caller's, when it parsed this text already); also enforces `Version: 1` and the EIP-55 address checksum. */
import { parseSiweMessage } from '../eip4361.js';
import type { SiweContext } from './context.js';

export function parseMessage(ctx: SiweContext): void {
  const { message, parsed } = ctx.attempt;
  ctx.message = parsed !== undefined && parsed.text === message ? parsed.message : parseSiweMessage(message);
}
