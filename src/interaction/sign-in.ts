/**
 * One sign-in attempt, verified for a loaded interaction: the same for a
 * signature posted on the sign-in page (login.ts) and one made on a phone
 * (cross-device/phone-routes.ts). It runs every SIWE rule (the check table of
 * siwe/checks/pipeline.ts), the failed-sign-in limit (failed-logins.ts), the
 * client's token gates (gates/login-gates.ts), and looks the ENS name up for
 * the `profile` scope; it gives the interaction result's `login` member, and
 * the required gates the account does not meet (then the sign-in is refused
 * with access_denied, once the nonce is used up).
 */
import type { Context } from 'koa';
import { gateStep, withGateStep } from '../gates/login-gates.js';
import { type TokenGate, tokenGatesOf } from '../gates/token-gates.js';
import { PROFILE_SCOPE, SIWE_SCOPE } from '../oidc/claims.js';
import type { LoginResult } from '../oidc/sign-in-record.js';
import { accountIdFor } from '../oidc/subject.js';
import { SIWE_CHECKS, type SiweAttempt, type SiweExpectation, verifySiwe } from '../siwe/checks/pipeline.js';
import type { WalletType } from '../siwe/checks/pipeline.js';
import { Problem } from '../web/problem.js';
import { referenceId } from '../oidc/pages.js';
import { auditLogin, noteLoginAttempt } from './audit.js';
import type { Fields } from './body.js';
import { challengeFor, consumeChallenge } from './challenge.js';
import type { InteractionDeps } from './deps.js';
import { failedLogins } from './failed-logins.js';
import { boundResourceOf, type Loaded } from './load.js';

const MAX_FIELD = 8192;

/** The attempt in the body acceptBody read (strings or absent). */
export function readAttempt({ message, signature }: Fields): SiweAttempt {
  if (!message || !signature) {
    throw new Problem('invalid_request', 'send the signed message and its signature as "message" and "signature"');
  }
  if (message.length > MAX_FIELD || signature.length > MAX_FIELD) {
    throw new Problem('invalid_request', 'message or signature is too long');
  }
  // HTML forms submit CRLF line breaks; the signed text has LF.
  return { message: message.replace(/\r\n/g, '\n'), signature: signature.trim() };
}

/** The `login` member of the interaction result (oidc/sign-in-record.ts keeps what oidc-provider would drop). */
export type SignInResult = LoginResult & { amr: string[]; ts: number; groups?: string[]; [key: string]: unknown };

export interface VerifiedSignIn {
  login: SignInResult;
  address: string;
  chainId: number;
  walletType: WalletType;
  /** Required token gates the account does not meet: no sign-in (access_denied). Empty: signed in. */
  deniedBy: TokenGate[];
}

/**
 * `useNonce`: how the last step uses the nonce up (default: the interaction's
 * challenge, once); the phone's route also uses its link up there.
 */
export async function verifySignIn(
  ctx: Context,
  deps: InteractionDeps,
  loaded: Loaded,
  attempt: SiweAttempt,
  useNonce?: (nonce: string, useChallenge: () => Promise<boolean>) => Promise<boolean>,
): Promise<VerifiedSignIn> {
  const { store, config, nonceKey, chains, rateLimiter, ens } = deps;
  // For the audit event (audit.ts), from here on: the relying party the attempt was for.
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
    consumeNonce: (nonce) => {
      const useChallenge = () => consumeChallenge(store, uid, challenge, nonce);
      return useNonce ? useNonce(nonce, useChallenge) : useChallenge();
    },
    contractWallets: chains,
  };
  // Failed sign-ins per Ethereum address (RATE_LIMITS' `address`): a gate after the EOA check, a count per refusal.
  const failures = failedLogins(rateLimiter, ctx);
  // The client's token gates: one step after the proof, before the nonce is used up (gates/login-gates.ts).
  const gates = tokenGatesOf(loaded.client);
  const gated = gates.length > 0 ? gateStep(gates, chains) : undefined;
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
  const scopes = String(loaded.interaction.params.scope ?? '').split(' ');
  // The ENS name for the `profile` scope: cached, else at most ENS_TIMEOUT; never a reason to refuse (ens/ens-profiles.ts).
  const profile = deniedBy.length === 0 && ens && scopes.includes(PROFILE_SCOPE) ? await ens.lookup(address) : undefined;
  const login: SignInResult = {
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
  };
  return { login, address, chainId: message.chainId, walletType, deniedBy };
}

/** The audit event of a verified sign-in (audit.ts): its address, chain and wallet type, and a fresh reference. */
export function auditSignIn(ctx: Context, signIn: VerifiedSignIn): void {
  auditLogin(ctx, {
    outcome: 'success',
    reference: referenceId(),
    address: signIn.address,
    chain_id: signIn.chainId,
    wallet_type: signIn.walletType,
  });
}
