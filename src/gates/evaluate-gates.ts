/**
 * Evaluating a client's token gates for one address: the gates are grouped by
 * chain and each chain is read once (one eth_call, chain/token-balances.ts),
 * all chains at the same time. A chain that cannot answer leaves its gates
 * unevaluated, which counts as unmet: an optional one is simply not in
 * `groups`, a required one refuses (503, fail closed; see verdictOf).
 *
 * Contract wallets are evaluated like any account: for the address that
 * signed in (the account contract's own holdings, not its owners').
 */
import { log } from '../log.js';
import type { TokenGate } from './token-gates.js';

/**
 * Reads gates on the chain (Chains implements it). It answers with values, not
 * our error classes, as ContractWallets does (see siwe/checks/context.ts): the
 * chain code is imported lazily.
 */
export interface GateReader {
  /** Which of `gates` (all on `chainId`) `owner` meets, in order; or why the chain could not tell. */
  readGates(chainId: number, owner: string, gates: readonly TokenGate[]): Promise<boolean[] | { unavailable: string }>;
}

export interface GateOutcome {
  /** The groups of the gates met, in the client's order: the `groups` claim. */
  groups: string[];
  /** The gates the chain says are not met. */
  unmet: TokenGate[];
  /** The gates whose chain could not be asked. */
  unavailable: TokenGate[];
}

/** What the outcome means for a sign-in or a refresh. */
export type GateVerdict =
  | { kind: 'allowed' }
  /** A required gate is not met: refused for good (403 access_denied / invalid_grant). */
  | { kind: 'denied'; gates: TokenGate[] }
  /** Nothing refuses outright, but a required gate could not be evaluated: 503, try again later. */
  | { kind: 'unavailable'; gates: TokenGate[] };

export async function evaluateGates(reader: GateReader | undefined, gates: readonly TokenGate[], owner: string): Promise<GateOutcome> {
  const byChain = new Map<number, TokenGate[]>();
  for (const gate of gates) byChain.set(gate.chainId, [...(byChain.get(gate.chainId) ?? []), gate]);
  const met = new Set<TokenGate>();
  const outcome: GateOutcome = { groups: [], unmet: [], unavailable: [] };
  await Promise.all(
    [...byChain].map(async ([chainId, onChain]) => {
      const answers = reader ? await reader.readGates(chainId, owner, onChain) : { unavailable: 'no RPC is configured' };
      if (!Array.isArray(answers)) {
        log.warn('token gates could not be evaluated', {
          chain_id: chainId,
          groups: onChain.map((gate) => gate.group),
          reason: answers.unavailable,
        });
        outcome.unavailable.push(...onChain);
        return;
      }
      onChain.forEach((gate, index) => {
        if (answers[index]) met.add(gate);
        else outcome.unmet.push(gate);
      });
    }),
  );
  outcome.groups = gates.filter((gate) => met.has(gate)).map((gate) => gate.group);
  return outcome;
}

/** A required gate not met refuses; else a required gate not evaluated is an outage; else allowed. */
export function verdictOf(outcome: GateOutcome): GateVerdict {
  const denied = outcome.unmet.filter((gate) => gate.required);
  if (denied.length > 0) return { kind: 'denied', gates: denied };
  const unknown = outcome.unavailable.filter((gate) => gate.required);
  if (unknown.length > 0) return { kind: 'unavailable', gates: unknown };
  return { kind: 'allowed' };
}
