/**
 * Our EIP-4361 parser and formatter side by side with the canonical `siwe@3` library (its ABNF parser,
 * @spruceid/siwe-parser), as comparable outcomes; and a shrinker that reduces a disagreeing text to a minimal one.
 */
import { isDeepStrictEqual } from 'node:util';
import { SiweMessage as SiweLibMessage } from 'siwe';
import { SiweError } from '../../src/siwe/siwe-error.js';
import { formatSiweMessage, parseSiweMessage, type SiweMessage } from '../../src/siwe/eip4361.js';

export type Outcome =
  | { ok: true; fields: SiweMessage }
  /** `crash`: our parser threw something other than a SiweError, which is a bug whatever the input */
  | { ok: false; error: string; crash?: boolean };

const TERMS = [
  'scheme',
  'domain',
  'address',
  'statement',
  'uri',
  'version',
  'chainId',
  'nonce',
  'issuedAt',
  'expirationTime',
  'notBefore',
  'requestId',
  'resources',
] as const;

/** The terms both libraries know, absent ones left out (siwe writes them as undefined). */
function normalize(source: Record<string, unknown>): SiweMessage {
  const out: Record<string, unknown> = {};
  for (const term of TERMS) if (source[term] !== undefined) out[term] = source[term];
  return out as unknown as SiweMessage;
}

export function parseOurs(text: string): Outcome {
  try {
    return { ok: true, fields: normalize(parseSiweMessage(text) as unknown as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof SiweError) return { ok: false, error: `${error.code}: ${error.message}` };
    return { ok: false, error: String((error as Error)?.stack ?? error), crash: true };
  }
}

export function parseSiwe(text: string): Outcome {
  try {
    return { ok: true, fields: normalize({ ...new SiweLibMessage(text) }) };
  } catch (error) {
    return {
      ok: false,
      error:
        String((error as Error)?.message ?? error)
          .split('\n')[0]
          ?.slice(0, 200) ?? '',
    };
  }
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.ok !== b.ok) return false;
  return !a.ok || isDeepStrictEqual(a.fields, (b as { fields: SiweMessage }).fields);
}

export type Built = { ok: true; text: string } | { ok: false; error: string };

export function formatOurs(fields: SiweMessage): Built {
  try {
    return { ok: true, text: formatSiweMessage(fields) };
  } catch (error) {
    return { ok: false, error: String((error as Error)?.message ?? error) };
  }
}

/** siwe's canonical text: `new SiweMessage(fields).prepareMessage()` (the constructor also re-parses it). */
export function formatSiwe(fields: SiweMessage): Built {
  try {
    const copy = { ...fields, ...(fields.resources ? { resources: [...fields.resources] } : {}) };
    return { ok: true, text: new SiweLibMessage(copy).prepareMessage() };
  } catch (error) {
    return {
      ok: false,
      error:
        String((error as Error)?.message ?? error)
          .split('\n')[0]
          ?.slice(0, 200) ?? '',
    };
  }
}

/**
 * Greedy delta debugging: deletes lines, then ever smaller runs of characters, for as long as `keep` still holds,
 * within `budget` evaluations of `keep`.
 */
export function shrink(text: string, keep: (candidate: string) => boolean, budget = 20_000): string {
  let current = text;
  let spent = 0;
  const attempt = (candidate: string): boolean => {
    if (spent >= budget || candidate === current) return false;
    spent++;
    if (!keep(candidate)) return false;
    current = candidate;
    return true;
  };
  let progress = true;
  while (progress && spent < budget) {
    progress = false;
    const lines = current.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const fewer = current.split('\n');
      if (i >= fewer.length) continue;
      fewer.splice(i, 1);
      if (attempt(fewer.join('\n'))) progress = true;
    }
    for (let size = Math.max(1, Math.floor(current.length / 2)); size >= 1; size = Math.floor(size / 2)) {
      for (let i = 0; i + size <= current.length; ) {
        if (attempt(current.slice(0, i) + current.slice(i + size))) progress = true;
        else i += size;
      }
      if (size === 1) break;
    }
  }
  return current;
}
