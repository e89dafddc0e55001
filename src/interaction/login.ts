/**
 * POST /interaction/:uid/login {message, signature} — verifies a Sign-In with
 * Ethereum proof against this interaction's challenge and finishes the login.
 */
import type { Context } from 'koa';
import { accountIdFor } from '../oidc/subject.js';
import { verifySiwe, type SiweExpectation } from '../siwe/checks/pipeline.js';
import { type Fields, fieldsOf } from './body.js';
import { challengeFor, consumeChallenge } from './challenge.js';
import type { InteractionDeps } from './deps.js';
import { loadInteraction, redirectUriOf } from './load.js';
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

export function login({ provider, store, config, nonceKey, chains }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const attempt = readAttempt(fieldsOf(ctx));
    const loaded = await loadInteraction(ctx, provider, 'login');
    const { uid } = loaded.interaction;
    const challenge = challengeFor(nonceKey, loaded.interaction);

    const expected: SiweExpectation = {
      domain: config.siweDomain,
      scheme: config.siweScheme,
      uri: config.issuer,
      chainIds: config.chainIds,
      nonce: challenge.nonce,
      challengeIssuedAt: Date.parse(challenge.issuedAt),
      redirectUri: redirectUriOf(loaded),
      clockSkewMs: config.clockSkew * 1000,
      now: Date.now(),
      consumeNonce: (nonce) => consumeChallenge(store, uid, challenge, nonce),
      contractWallets: chains,
    };
    const { address, message, walletType } = await verifySiwe(attempt, expected);

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
        },
      },
      { mergeWithLastSubmission: false },
    );
    respondRedirect(ctx, redirectTo);
  };
}
