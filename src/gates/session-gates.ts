/**
 * Token gates for an authorization on an existing session (single sign-on):
 * someone signed in to one application, then sent to a gated one, is not let
 * through on the session alone. A check of the `login` prompt evaluates the
 * gated client's gates for the session's account:
 *
 *   - met: no prompt, and the groups are kept for this client (gate-groups.ts);
 *   - a required gate not met, or not evaluated (chain down): the login prompt,
 *     so the person sees the requirement on the sign-in page, and signing
 *     gives the honest answer (403 access_denied, or 503 to retry); with
 *     prompt=none the relying party gets login_required.
 *
 * Skipped right after our own sign-in (the login result of this authorization
 * is there: its step evaluated the gates a moment ago) and for clients without gates.
 */
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { parseAccountId } from '../oidc/subject.js';
import { evaluateGates, type GateReader, verdictOf } from './evaluate-gates.js';
import type { GroupStore } from './gate-groups.js';
import { tokenGatesOf } from './token-gates.js';

const { Check, base } = interactionPolicy;

export function sessionGatesCheck(reader: GateReader | undefined, groups: GroupStore | undefined) {
  // login_required for prompt=none: checks added to a prompt after its creation get no error of their own.
  return new Check(
    'token_gates',
    "the account must meet the application's token gates",
    'login_required',
    async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const client = oidc.client;
      const gates = client ? tokenGatesOf(client) : [];
      const accountId = oidc.session?.accountId;
      if (!client || gates.length === 0 || !accountId || oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const address = parseAccountId(accountId)?.address;
      if (!address) return Check.REQUEST_PROMPT;
      const outcome = await evaluateGates(reader, gates, address);
      if (verdictOf(outcome).kind !== 'allowed') return Check.REQUEST_PROMPT;
      await groups?.keep(ctx, oidc.session?.uid, client.clientId, outcome.groups);
      return Check.NO_NEED_TO_PROMPT;
    },
  );
}

/** oidc-provider's default interaction policy, with the token-gate check in its login prompt. */
export function gatedInteractionPolicy(reader: GateReader | undefined, groups: GroupStore | undefined, policy = base()) {
  policy.get('login')!.checks.add(sessionGatesCheck(reader, groups));
  return policy;
}
