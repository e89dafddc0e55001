/**
 * The pages of the device flow (RFC 8628) that oidc-provider shows itself,
 * rendered from our views with our headers (strict CSP, no inline script):
 *
 *   device        enter the code (GET /device), again with a problem when the
 *                 code is unknown, expired or used, the form is stale, or the
 *                 sign-in was cancelled
 *   device-confirm  the application, the code and where the request came from;
 *                 Continue leads to the wallet sign-in, Cancel refuses the device
 *   device-done   the device is signed in
 *
 * oidc-provider hands each source a ready-made form; we write our own (its
 * input has an inline event handler, which the CSP refuses), posting the same
 * fields to the same action: `xsrf` (the secret oidc-provider keeps in the
 * session for this form), `user_code`, and `confirm` or `abort`.
 */
import type { Client, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { clientBranding } from '../interaction/branding.js';
import { log } from '../log.js';
import { renderPage } from '../web/render.js';
import { LINKED_USER_CODE, MAX_USER_CODE_INPUT } from './device-flow.js';
import { referenceId } from './pages.js';

type DeviceFlow = NonNullable<NonNullable<Configuration['features']>['deviceFlow']>;

/** What the input page says, by oidc-provider's re-render error (lib/helpers/re_render_errors.js). */
const PROBLEMS: Readonly<Record<string, string>> = {
  NoCodeError: 'noCode',
  NotFoundError: 'notFound',
  ExpiredError: 'expired',
  AlreadyUsedError: 'used',
  AbortedError: 'aborted',
};

function formOf(ctx: KoaContextWithOIDC): { action: string; xsrf: string } {
  const state = (ctx.oidc.session as unknown as { state?: { secret?: string } } | undefined)?.state;
  return { action: ctx.oidc.urlFor('code_verification'), xsrf: state?.secret ?? '' };
}

function clientOf(client: Client | undefined) {
  return {
    client_id: client?.clientId,
    client_name: client?.clientName,
    logo_uri: undefined,
    client_uri: client?.clientUri,
    policy_uri: client?.policyUri,
    tos_uri: client?.tosUri,
  };
}

/** A code to show back in the field: what was typed, or what the link carried. */
function prefill(ctx: KoaContextWithOIDC, err: unknown): string {
  const params = (ctx.oidc as { params?: { user_code?: unknown } }).params;
  const typed = (err as { userCode?: unknown } | undefined)?.userCode ?? (ctx.method === 'POST' ? params?.user_code : undefined);
  const linked = ctx.state[LINKED_USER_CODE];
  const code = typeof typed === 'string' ? typed : typeof linked === 'string' ? linked : '';
  return code.length <= MAX_USER_CODE_INPUT ? code : '';
}

/** oidc-provider's refusals of a form whose secret is missing or wrong (lib/shared/xsrf.js): an old or foreign form. */
const STALE_FORM = /^(could not find device form details|xsrf token invalid)$/;

/**
 * Whether this request's session was never saved. oidc-provider's error path
 * puts a new form secret in it after its session middleware is done, and
 * would then fail to save it (a TypeError, a 500): so such a session is left
 * alone, and the page's form asks for the code page again (GET), which
 * starts a session properly.
 */
function unsavedSession(ctx: KoaContextWithOIDC): boolean {
  const session = ctx.oidc.session as unknown as { exp?: unknown; touched?: boolean } | undefined;
  if (!session || typeof session.exp === 'number') return false;
  session.touched = false;
  return true;
}

export const userCodeInputSource: NonNullable<DeviceFlow['userCodeInputSource']> = async (ctx, _form, out, err) => {
  let problem = err ? (PROBLEMS[err.name] ?? 'error') : null;
  if (problem === 'error' && out?.error === 'invalid_request' && STALE_FORM.test(out.error_description ?? '')) problem = 'stale';
  const restart = err !== undefined && unsavedSession(ctx);
  let failure: { error: string; description?: string | undefined; reference: string } | null = null;
  if (problem === 'error' && out) {
    // An error oidc-provider does not re-render as a problem with the code: a stale form, an outage, a bug.
    const reference = referenceId();
    const status = Math.max(ctx.status, 400);
    log[status >= 500 ? 'error' : 'warn']('device code page error', {
      reference,
      error: out.error,
      description: out.error_description,
      ...(status >= 500 ? { detail: err?.message } : {}),
    });
    failure = { error: out.error, description: out.error_description, reference };
  }
  await renderPage(
    ctx,
    'device',
    {
      ...formOf(ctx),
      restart,
      problem,
      failure,
      userCode: problem === 'aborted' ? '' : prefill(ctx, err),
      maxLength: MAX_USER_CODE_INPUT,
    },
    failure ? Math.max(ctx.status, 400) : problem === 'stale' ? 400 : 200,
  );
};

export const userCodeConfirmSource: NonNullable<DeviceFlow['userCodeConfirmSource']> = async (ctx, _form, client, deviceInfo, userCode) => {
  const ua = typeof deviceInfo?.ua === 'string' ? deviceInfo.ua.slice(0, 200) : '';
  const ip = typeof deviceInfo?.ip === 'string' ? deviceInfo.ip : '';
  await renderPage(ctx, 'device-confirm', {
    ...formOf(ctx),
    branding: clientBranding(clientOf(client), null),
    userCode,
    device: { ip, ua },
  });
};

export const successSource: NonNullable<DeviceFlow['successSource']> = async (ctx) => {
  await renderPage(ctx, 'device-done', { branding: clientBranding(clientOf(ctx.oidc.client), null) });
};
