/**
 * The device authorization grant (RFC 8628): a command-line tool, a TV or any
 * device without a browser asks POST /device/auth for a device code and a
 * user code, shows the person the user code and https://<issuer>/device, and
 * polls the token endpoint while the person, in any browser, enters the code
 * and signs in with their wallet on the same interaction page as every other
 * sign-in. oidc-provider runs the grant (codes, polling, slow_down,
 * authorization_pending, access_denied, expired_token); we choose:
 *
 *   - who may use it: a client that registers the grant type
 *     `urn:ietf:params:oauth:grant-type:device_code` (oidc-provider refuses it
 *     to any other client); public clients (`none`) included, as command-line
 *     tools are;
 *   - the user code: 8 letters of oidc-provider's base-20 alphabet (no vowels,
 *     nothing that reads as a digit), shown as `BCDF-GHJK`;
 *   - how long a device request lives: INTERACTION_TTL, as an authorization
 *     request's sign-in does;
 *   - that every device sign-in is a fresh wallet signature, never an existing
 *     session's single sign-on (freshDeviceSignIn below), so the person sees and
 *     signs which application and which device request they approve (the SIWE
 *     message's resources[0], see interaction/load.ts);
 *   - the pages (device-pages.ts), and that verification_uri_complete
 *     (`/device?user_code=…`) fills in the code instead of oidc-provider's
 *     auto-submitting form, which needs an inline script (userCodeFromLink).
 */
import type { Context, Next } from 'koa';
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { RouteMatcher } from './route-matcher.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** oidc-provider's user code alphabet and layout: `*` is one character of the charset. */
export const USER_CODE_CHARSET = 'base-20';
export const USER_CODE_MASK = '****-****';

/** More than any code a person types (with spaces and dashes), far less than a flood. */
export const MAX_USER_CODE_INPUT = 64;

/** A stored (normalized) user code as people see it: `BCDFGHJK` → `BCDF-GHJK`. */
export function displayUserCode(normalized: string): string {
  const chars = [...normalized];
  return [...USER_CODE_MASK].map((slot) => (slot === '*' ? (chars.shift() ?? '') : slot)).join('') + chars.join('');
}

/** The verification URI with the code in it (RFC 8628 section 3.3.1), as oidc-provider writes it. */
export function verificationUriComplete(verificationUri: string, userCode: string): string {
  const url = new URL(verificationUri);
  url.searchParams.set('user_code', userCode);
  return url.href;
}

/**
 * The interaction policy: oidc-provider's, with one more reason to ask for the
 * login prompt. Entering a user code (the `code_verification` route) always
 * asks for a wallet signature, even in a browser with a session; the resume
 * after it (`device_resume`) does not ask again, it carries the fresh login.
 */
export function interactionPolicyWithFreshDeviceSignIn(policy = interactionPolicy.base()): interactionPolicy.DefaultPolicy {
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  login.checks.add(
    new interactionPolicy.Check(
      'device_sign_in',
      'a device sign-in is approved with a fresh wallet signature',
      'login_required',
      (ctx: KoaContextWithOIDC) => ctx.oidc.route === 'code_verification',
    ),
  );
  return policy;
}

/** Where userCodeFromLink leaves a user code that came in the link. */
export const LINKED_USER_CODE = 'linkedUserCode';

/**
 * GET /device?user_code=… (verification_uri_complete): oidc-provider would
 * answer with a form that submits itself through an inline script. Instead the
 * code is taken out of the query before oidc-provider sees it and the page
 * shows it filled in: the person presses Continue, then sees the application
 * and the code on the confirmation page, as with a typed code. A code too long
 * to be one, or given twice, is dropped.
 */
export function userCodeFromLink(routes: RouteMatcher) {
  // Not async: the request goes on at once, changed or not.
  return (ctx: Context, next: Next): Promise<void> => {
    if (
      (ctx.method === 'GET' || ctx.method === 'HEAD') &&
      ctx.querystring.includes('user_code') &&
      routes.routeOf(ctx) === 'code_verification'
    ) {
      const params = new URLSearchParams(ctx.querystring);
      const codes = params.getAll('user_code');
      if (codes.length > 0) {
        params.delete('user_code');
        ctx.querystring = params.toString();
        if (codes.length === 1 && codes[0]!.length <= MAX_USER_CODE_INPUT) ctx.state[LINKED_USER_CODE] = codes[0];
      }
    }
    return next();
  };
}
