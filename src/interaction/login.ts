/**
 * POST /interaction/:uid/login {message, signature} — verifies a Sign-In with
 * Ethereum proof against this interaction's challenge and finishes the login.
 */
import type { Context } from 'koa';
import { gateStep, refuseLogin, withGateStep } from '../gates/login-gates.js';
import { tokenGatesOf } from '../gates/token-gates.js';
import { referenceId } from '../oidc/pages.js';
import { PROFILE_SCOPE, SIWE_SCOPE } from '../oidc/claims.js';
import { accountIdFor } from '../oidc/subject.js';
import { SIWE_CHECKS, verifySiwe, type SiweExpectation } from '../siwe/checks/pipeline.js';
import { auditLogin, claimsOf, noteLoginAttempt } from './audit.js';
import { type Fields, fieldsOf } from './body.js';
import { challengeFor, consumeChallenge } from './challenge.js';
import { failedLogins } from './failed-logins.js';
import type { InteractionDeps } from './deps.js';
import { boundResourceOf, loadInteraction } from './load.js';
import { respondRedirect } from './respond.js';
import { Problem } from '../web/problem.js';

const MAX_FIELD = 8192;

/** The attempt in the body acceptBody read (strings or absent). */
function readAttempt({ message, signature }: Fields): { message: string; signature: string } {
  if (!message || !signature) {
    throw new Problem('invalid_request', 'send the signed message and its signature as "message" and "signature"');
  }
  if (message.length > MAX_FIELD || signature.length > MAX_FIELD) {
    throw new Problem('invalid_request', 'message or signature is too long');
  }
  // HTML forms submit CRLF line breaks; the signed text has LF.
  return { message: message.replace(/\r\n/g, '\n'), signature: signature.trim() };
}

export function login({ provider, store, config, nonceKey, chains, rateLimiter, gateReader, ens }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const attempt = readAttempt(fieldsOf(ctx));
    // For the audit event (audit.ts), which error-responses.ts writes if the attempt is refused.
    noteLoginAttempt(ctx, claimsOf(attempt.message));
    const loaded = await loadInteraction(ctx, provider, 'login');
    noteLoginAttempt(ctx, { client_id: loaded.client.clientId });
    const { uid } = loaded.interaction;
    const challenge = challengeFor(nonceKey, loaded.interaction);

    const bound = boundResourceOf(loaded);
    const expected: SiweExpectation = {
      domain: config.siweDomain,
      scheme: config.siweScheme,
      uri: config.issuer,
      chainIds: config.chainIds,
      nonce: challenge.nonce,
      challengeIssuedAt: Date.parse(challenge.issuedAt),
      firstResource: bound.resource,
      firstResourceKind: bound.kind,
      clockSkewMs: config.clockSkew * 1000,
      now: Date.now(),
      consumeNonce: (nonce) => consumeChallenge(store, uid, challenge, nonce),
      contractWallets: chains,
    };
    // Failed sign-ins per Ethereum address (RATE_LIMITS' `address`): a gate after the EOA check, a count per refusal.
    const failures = failedLogins(rateLimiter, ctx);
    // The client's token gates: one step after the proof, before the nonce is used up (gates/login-gates.ts).
    const gates = tokenGatesOf(loaded.client);
    const gated = gates.length > 0 ? gateStep(gates, gateReader) : undefined;
    let verified: Awaited<ReturnType<typeof verifySiwe>>;
    try {
      verified = await verifySiwe(attempt, expected, withGateStep(failures?.checks ?? SIWE_CHECKS, gated));
    } catch (error) {
      await failures?.record(error);
      throw error;
    }
    const { address, message, walletType } = verified;
    const gateOutcome = gated?.outcome();
    const deniedBy = gateOutcome?.unmet.filter((gate) => gate.required) ?? [];
    if (deniedBy.length > 0) await refuseLogin(ctx, provider, deniedBy);
    const scopes = String(loaded.interaction.params.scope ?? '').split(' ');
    // The ENS name for the `profile` scope: cached, else at most ENS_TIMEOUT; never a reason to refuse (ens/ens-profiles.ts).
    const profile = ens && scopes.includes(PROFILE_SCOPE) ? await ens.lookup(address) : undefined;

    const redirectTo = await provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        login: {
          // The subject: the address, or its CAIP-10 form with SUBJECT_FORMAT=caip10 (see oidc/subject.ts).
          accountId: accountIdFor(address, message.chainId, config.subjectFormat),
          amr: ['pop'],
          ts: Math.floor(Date.now() / 1000),
          // Kept beside the session for the `ethereum` scope's claims (see oidc/sign-in-record.ts).
          chainId: message.chainId,
          walletType,
          // A gated client's `groups` (gates/gate-groups.ts keeps them beside the session).
          ...(gateOutcome ? { groups: gateOutcome.groups } : {}),
          ...(profile ? { profile } : {}),
          // The wallet's own proof, for the `siwe` scope and this client only (see oidc/siwe-proof.ts).
          ...(scopes.includes(SIWE_SCOPE)
            ? { siwe: { message: attempt.message, signature: attempt.signature, clientId: loaded.client.clientId } }
            : {}),
        },
      },
      { mergeWithLastSubmission: false },
    );
    respondRedirect(ctx, redirectTo);
    auditLogin(ctx, { outcome: 'success', reference: referenceId(), address, chain_id: message.chainId, wallet_type: walletType });
  };
}
