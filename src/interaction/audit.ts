/**
 * The audit trail of sign-ins: every POST /interaction/:uid/login (and every
 * phone's signature of a cross-device sign-in, POST /sign/:handle) writes one
 * `login` event, an info line, once its outcome is known: login.ts writes the
 * success, error-responses.ts every refusal (whatever refused it: the body,
 * the interaction, a SIWE rule, an outage). The fields, each present (null
 * when not known at the refusal):
 *
 * - `event`: "login"; `time`: the line's time;
 * - `outcome`: "success", or the `error` code the answer carried (e.g. `invalid_signature`);
 * - `address`: the signer on success; on a refusal the address the message
 *   claims, when it parsed (unproven);
 * - `client_id`: the relying party of the interaction, once it was loaded;
 * - `chain_id`: the message's chain id, when it parsed;
 * - `wallet_type`: how the signature was proven (eoa, eip1271, eip6492), on success;
 * - `client_address`: the client's IP address (ctx.ip, as TRUST_PROXY resolves it);
 * - `reference`: the id the error answer shows the person (on success a fresh
 *   one), so what a person quotes is found in the logs;
 * - `request_id`: the request's id (X-Request-Id).
 *
 * Never the message text, its signature or any cookie.
 *
 * The same moment counts the attempt in siwe_idp_logins_total{outcome,error,wallet_type}
 * when metrics are on (METRICS_PORT).
 */
import type { Context, Next } from 'koa';
import { log } from '../log.js';
import { parseSiweMessage, type SiweMessage } from '../siwe/eip4361.js';
import type { SiweAttempt } from '../siwe/checks/pipeline.js';
import type { WalletType } from '../siwe/checks/pipeline.js';
import { requestIdOf } from '../web/request-id.js';

/** What the login handler learned of an attempt so far (ctx.state.loginAttempt). */
export interface LoginAttempt {
  address?: string;
  chain_id?: number;
  client_id?: string;
}

export interface LoginEvent {
  event: 'login';
  outcome: string;
  address: string | null;
  client_id: string | null;
  chain_id: number | null;
  wallet_type: WalletType | null;
  client_address: string;
  reference: string;
  request_id: string | null;
}

/**
 * Marks a request as a login attempt: the first middleware of the routes that
 * take a signature (POST /interaction/:uid/login, a phone's POST
 * /sign/:handle), so an attempt is one however its path is spelled (the
 * router also serves `/INTERACTION/…/LOGIN` and a trailing slash).
 */
export function loginAttempt(ctx: Context, next: Next): Promise<void> {
  ctx.state.loginAttempt ??= {};
  return next();
}

/** Whether `ctx` is a login attempt (see loginAttempt). */
export function isLoginAttempt(ctx: Context): boolean {
  return (ctx.state as { loginAttempt?: LoginAttempt }).loginAttempt !== undefined;
}

function attemptOf(ctx: Context): LoginAttempt {
  return (ctx.state as { loginAttempt?: LoginAttempt }).loginAttempt ?? {};
}

/** Records what is known of the attempt, for its event. */
export function noteLoginAttempt(ctx: Context, fields: LoginAttempt): void {
  ctx.state.loginAttempt = { ...attemptOf(ctx), ...fields };
}

/**
 * Notes the address and chain id a message claims, when it parses (nothing
 * otherwise), and gives the parse to the sign-in checks (they parse no more).
 */
export function noteClaims(ctx: Context, messageText: string): SiweAttempt['parsed'] {
  let message: SiweMessage;
  try {
    message = parseSiweMessage(messageText);
  } catch {
    return undefined;
  }
  noteLoginAttempt(ctx, { address: message.address, chain_id: message.chainId });
  return { text: messageText, message };
}

/** Writes the attempt's `login` event; returns it. */
export function auditLogin(
  ctx: Context,
  outcome: { outcome: string; reference: string; address?: string; chain_id?: number; wallet_type?: WalletType },
): LoginEvent {
  const attempt = { ...attemptOf(ctx), ...outcome };
  const event: LoginEvent = {
    event: 'login',
    outcome: outcome.outcome,
    address: attempt.address ?? null,
    client_id: attempt.client_id ?? null,
    chain_id: attempt.chain_id ?? null,
    wallet_type: outcome.wallet_type ?? null,
    client_address: ctx.ip,
    reference: outcome.reference,
    request_id: requestIdOf(ctx) ?? null,
  };
  log.info(outcome.outcome === 'success' ? 'login succeeded' : `login refused: ${outcome.outcome}`, { ...event });
  // siwe_idp_logins_total, when METRICS_PORT is set (metrics/registry.ts); otherwise undefined.
  ctx.metrics?.login(event.outcome, event.wallet_type);
  return event;
}
