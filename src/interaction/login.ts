/**
 * POST /interaction/:uid/login {message, signature} — verifies a Sign-In with
 * Ethereum proof against this interaction's challenge (sign-in.ts) and
 * finishes the login, or ends it with access_denied when the account does not
 * meet the client's required token gates.
 */
import type { Context } from 'koa';
import { refuseLogin } from '../gates/login-gates.js';
import { noteClaims } from './audit.js';
import { fieldsOf } from './body.js';
import { finishInteraction } from './finish.js';
import type { InteractionDeps } from './deps.js';
import { loadInteraction } from './load.js';
import { respondRedirect } from './respond.js';
import { auditSignIn, readAttempt, verifySignIn } from './sign-in.js';

export function login(deps: InteractionDeps) {
  const { provider } = deps;
  return async (ctx: Context): Promise<void> => {
    const attempt = readAttempt(fieldsOf(ctx));
    // For the audit event (audit.ts), which error-responses.ts writes if the attempt is refused.
    const parsed = noteClaims(ctx, attempt.message);
    const loaded = await loadInteraction(ctx, provider, 'login');
    const signIn = await verifySignIn(ctx, deps, loaded, { ...attempt, parsed });
    if (signIn.deniedBy.length > 0) await refuseLogin(loaded.interaction, signIn.deniedBy);
    const redirectTo = await finishInteraction(loaded.interaction, { login: signIn.login }, { mergeWithLastSubmission: false });
    respondRedirect(ctx, redirectTo);
    auditSignIn(ctx, signIn);
  };
}
