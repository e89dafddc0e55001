/**
 * The pages oidc-provider shows a person itself: the error page and the
 * RP-initiated logout pages, rendered from our views.
 */
import { randomBytes } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { log } from '../log.js';
import { renderPage } from '../web/render.js';

type RenderError = NonNullable<Configuration['renderError']>;

/** The relying party's `ui_locales`, when oidc-provider has read the request's parameters. */
function uiLocalesOf(ctx: KoaContextWithOIDC): unknown {
  return (ctx.oidc as { params?: Record<string, unknown> } | undefined)?.params?.ui_locales;
}

/** A short id a person can quote and an operator can find in the logs. */
export function referenceId(): string {
  return randomBytes(6).toString('base64url');
}

export const renderError: RenderError = async (ctx, out, error) => {
  const reference = referenceId();
  const status = (error as { status?: number }).status ?? 500;
  log[status >= 500 ? 'error' : 'warn']('error page shown', {
    reference,
    error: out.error,
    description: out.error_description,
    ...(status >= 500 ? { detail: error.message } : {}),
  });
  await renderPage(ctx, 'error', { error: out.error, description: out.error_description, reference, uiLocales: uiLocalesOf(ctx) }, status);
};

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const client = ctx.oidc.client;
  await renderPage(ctx, 'logout', { form, clientName: client?.clientName ?? client?.clientId, uiLocales: uiLocalesOf(ctx) });
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  const client = ctx.oidc.client;
  await renderPage(ctx, 'logged-out', { clientName: client?.clientName ?? client?.clientId, uiLocales: uiLocalesOf(ctx) });
}
