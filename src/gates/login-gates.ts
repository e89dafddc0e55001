/**
 * Token gates at sign-in: a client policy, not a Sign-In with Ethereum rule,
 * evaluated once the proof holds. gateStep() is one named step put into the
 * login's check table right before the nonce is used up (consume-nonce.ts):
 *
 *   - after the signature (and a contract wallet's own check): the address is
 *     proven, so nobody can make us read the chain for an address they do not hold;
 *   - before the nonce: a chain that cannot answer for a required gate is
 *     503 `chain_unavailable` with the challenge kept, so the person retries
 *     on the same page once the chain is back (as check-contract-signature does);
 *   - a required gate the chain says is not met does not throw here: the
 *     nonce is then used up, and login.ts refuses with refuseLogin(): the
 *     interaction ends with `access_denied` for the relying party (403 with
 *     its redirectTo), so the signed message can never sign in later, even
 *     once the tokens are bought.
 *
 * One eth_call per chain of the client's gates (evaluate-gates.ts); a client
 * without gates gets no step and makes no call.
 */
import { finishInteraction } from '../interaction/finish.js';
import type { Interaction } from '../interaction/load.js';
import { consumeNonce } from '../siwe/checks/consume-nonce.js';
import type { SiweCheck } from '../siwe/checks/pipeline.js';
import { SiweError } from '../siwe/siwe-error.js';
import { Problem } from '../web/problem.js';
import { evaluateGates, type GateOutcome, type GateReader, verdictOf } from './evaluate-gates.js';
import { describeGate, type TokenGate } from './token-gates.js';

export interface GateStep {
  /** The step for the check table. */
  check: SiweCheck;
  /** Its outcome, once it ran. */
  outcome(): GateOutcome | undefined;
}

/** What a required gate's refusal says, to the page and to the relying party (no address: the RP learns nobody). */
export function deniedDescription(gates: readonly TokenGate[]): string {
  return `the account does not hold what this application requires: ${gates.map(describeGate).join('; ')}`;
}

export function gateStep(gates: readonly TokenGate[], reader: GateReader | undefined): GateStep {
  let outcome: GateOutcome | undefined;
  const checkTokenGates: SiweCheck = async (ctx) => {
    if (ctx.signer === undefined) throw new Error('checkTokenGates: runs after the signature checks');
    outcome = await evaluateGates(reader, gates, ctx.signer);
    const verdict = verdictOf(outcome);
    if (verdict.kind !== 'unavailable') return;
    const chains = [...new Set(verdict.gates.map((gate) => gate.chainId))].join(', ');
    throw new SiweError(
      'chain_unavailable',
      `the network of chain ${chains} could not be reached to check what this application requires (${verdict.gates
        .map((gate) => `group "${gate.group}"`)
        .join(', ')}); nothing was signed in, try again in a moment`,
      503,
    );
  };
  return { check: checkTokenGates, outcome: () => outcome };
}

/** `checks` with the gate step right before the nonce is used up. */
export function withGateStep(checks: readonly SiweCheck[], step: GateStep | undefined): readonly SiweCheck[] {
  if (step === undefined) return checks;
  const at = checks.indexOf(consumeNonce);
  if (at < 0) throw new Error('withGateStep: the check table has no consumeNonce');
  return [...checks.slice(0, at), step.check, ...checks.slice(at)];
}

/**
 * A required gate not met: the interaction ends with `access_denied` (the
 * relying party gets error=access_denied at redirectTo) and the answer is 403
 * with the requirement in plain words; error-responses.ts writes it (JSON with
 * redirectTo, or the error page linking back) and its audit event.
 */
export async function refuseLogin(interaction: Interaction, gates: readonly TokenGate[]): Promise<never> {
  const description = deniedDescription(gates);
  const redirectTo = await finishInteraction(
    interaction,
    { error: 'access_denied', error_description: description },
    { mergeWithLastSubmission: false },
  );
  const problem = new Problem('access_denied', description, 403);
  problem.redirectTo = redirectTo;
  throw problem;
}
