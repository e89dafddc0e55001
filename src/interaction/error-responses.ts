/**
 * Maps every failure under /interaction to an honest status, a stable `error`
 * code and a readable `error_description`, as JSON or as the error page.
 */
import type { Context, Next } from 'koa';
import { errors } from 'oidc-provider';
import { log } from '../log.js';
import { referenceId } from '../oidc/pages.js';
import { isStoreOutage, STORE_OUTAGE } from '../storage/outage.js';
import { renderPage } from '../web/render.js';
import { auditLogin, isLoginAttempt } from './audit.js';
import { wantsJson } from './respond.js';
import { Problem } from '../web/problem.js';

interface Described {
  status: number;
  error: string;
  description: string;
  /** The way back to the application, when the refusal ended the sign-in (Problem.redirectTo). */
  redirectTo?: string;
}

const UNAVAILABLE: Described = STORE_OUTAGE;

function describe(error: unknown): Described | undefined {
  if (error instanceof Problem) {
    return {
      status: error.status,
      error: error.code,
      description: error.message,
      ...(error.redirectTo ? { redirectTo: error.redirectTo } : {}),
    };
  }
  if (isStoreOutage(error)) return UNAVAILABLE;
  if (error instanceof errors.SessionNotFound) {
    return {
      status: 400,
      error: 'invalid_interaction',
      description: 'this sign-in has expired or was already completed; return to the application and start again',
    };
  }
  if (error instanceof errors.OIDCProviderError) {
    return { status: error.status, error: error.error, description: error.error_description ?? error.message };
  }
  const http = error as { status?: number; expose?: boolean; message?: string };
  if (http.expose && http.status && http.status < 500) {
    return { status: http.status, error: 'invalid_request', description: http.message ?? 'invalid request' };
  }
  return undefined;
}

export async function interactionErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    const reference = referenceId();
    const described = describe(error) ?? { status: 500, error: 'server_error', description: 'an unexpected error occurred' };
    if (described.status >= 500) {
      log.error('interaction failed', { reference, path: ctx.path, error: (error as Error).message });
    }
    // Every refused login attempt is an audit event (audit.ts), with the reference the answer shows.
    if (isLoginAttempt(ctx)) auditLogin(ctx, { outcome: described.error, reference });
    if (wantsJson(ctx)) {
      ctx.status = described.status;
      ctx.body = {
        error: described.error,
        error_description: described.description,
        reference,
        ...(described.redirectTo ? { redirectTo: described.redirectTo } : {}),
      };
      return;
    }
    const page = { error: described.error, description: described.description, reference, redirectTo: described.redirectTo };
    await renderPage(ctx, 'error', page, described.status);
  }
}
