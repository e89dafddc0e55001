/**
 * oidc-provider's events (Provider is an EventEmitter; see its lib/, 9.x),
 * counted. An emitter has no "every event" listener, so the events are named
 * here: those oidc-provider 9 emits for the features siwe-idp enables.
 *
 *   siwe_idp_oidc_events_total{event}         every event below
 *   siwe_idp_oidc_errors_total{event,error}   the error events, by OAuth error code
 *   siwe_idp_tokens_issued_total{type}        access_token, authorization_code,
 *                                             refresh_token, id_token, client_credentials,
 *                                             registration_access_token
 *   siwe_idp_token_requests_total{grant_type,result}
 *                                             grant.success / grant.error: the token
 *                                             endpoint, by grant type; result `success`
 *                                             or the error code
 *
 * Tokens stored by the adapter emit `<type>.saved`, self-contained ones (a JWT
 * access token) `<type>.issued`; an ID token has no event of its own and is
 * counted in the answers that carry one (grant.success's body,
 * authorization.success's parameters).
 */
import type Provider from 'oidc-provider';
import { codeLabel, type Metrics } from './registry.js';

/** Events with (ctx, ...): outcomes of the endpoints and of the sign-in. */
const OIDC_EVENTS = [
  'authorization.accepted',
  'authorization.success',
  'interaction.started',
  'interaction.ended',
  'grant.success',
  'grant.revoked',
  'end_session.success',
  'backchannel.success',
  'registration_create.success',
  'registration_update.success',
  'registration_delete.success',
  'authorization_code.consumed',
  'refresh_token.consumed',
  'access_token.destroyed',
  'refresh_token.destroyed',
  'grant.destroyed',
  'session.destroyed',
] as const;

/** Events with (ctx, error, ...): the error handlers of each endpoint, and server_error. */
const OIDC_ERROR_EVENTS = [
  'server_error',
  'authorization.error',
  'grant.error',
  'backchannel.error',
  'userinfo.error',
  'jwks.error',
  'discovery.error',
  'revocation.error',
  'introspection.error',
  'end_session.error',
  'end_session_confirm.error',
  'end_session_success.error',
  'registration_create.error',
  'registration_read.error',
  'registration_update.error',
  'registration_delete.error',
] as const;

/** Model events meaning "a token of this type was issued". */
const TOKEN_EVENTS: ReadonlyArray<readonly [event: string, type: string]> = [
  ['access_token.saved', 'access_token'],
  ['access_token.issued', 'access_token'],
  ['authorization_code.saved', 'authorization_code'],
  ['refresh_token.saved', 'refresh_token'],
  ['client_credentials.saved', 'client_credentials'],
  ['client_credentials.issued', 'client_credentials'],
  ['registration_access_token.saved', 'registration_access_token'],
];

const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

interface EventContext {
  body?: unknown;
  oidc?: { params?: { grant_type?: unknown } };
}

/** The grant type of a token request, as a label: one we know, `other`, or empty when absent. */
function grantTypeOf(ctx: EventContext | undefined): string {
  const grantType = ctx?.oidc?.params?.grant_type;
  if (grantType === undefined || grantType === null || grantType === '') return '';
  return typeof grantType === 'string' && GRANT_TYPES.has(grantType) ? grantType : 'other';
}

function carriesIdToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as { id_token?: unknown }).id_token === 'string';
}

/** The OAuth error code an error event's error carries (oidc-provider's errors have `error`); `other` for any other error. */
function errorCodeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { error?: unknown }).error : undefined;
  return codeLabel(code);
}

export function countOidcEvents(provider: Provider, metrics: Metrics): void {
  const emitter = provider as unknown as { on(event: string, listener: (...args: unknown[]) => void): unknown };
  for (const event of OIDC_EVENTS) {
    const counter = metrics.oidcEvents.labels(event);
    counter.inc(0);
    emitter.on(event, () => counter.inc());
  }
  for (const event of OIDC_ERROR_EVENTS) {
    const counter = metrics.oidcEvents.labels(event);
    counter.inc(0);
    emitter.on(event, (_ctx, error) => {
      counter.inc();
      metrics.oidcErrors.labels(event, event === 'server_error' ? 'server_error' : errorCodeOf(error)).inc();
    });
  }
  for (const [event, type] of TOKEN_EVENTS) {
    const counter = metrics.tokensIssued.labels(type);
    counter.inc(0);
    emitter.on(event, () => counter.inc());
  }
  const idTokens = metrics.tokensIssued.labels('id_token');
  idTokens.inc(0);
  emitter.on('grant.success', (ctx) => {
    const context = ctx as EventContext | undefined;
    metrics.tokenRequests.labels(grantTypeOf(context), 'success').inc();
    if (carriesIdToken(context?.body)) idTokens.inc();
  });
  emitter.on('grant.error', (ctx, error) => {
    metrics.tokenRequests.labels(grantTypeOf(ctx as EventContext | undefined), errorCodeOf(error)).inc();
  });
  emitter.on('authorization.success', (_ctx, out) => {
    if (carriesIdToken(out)) idTokens.inc();
  });
}
