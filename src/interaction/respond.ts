/** JSON for the page's script, CLIs and tests; HTML (and 303 redirects) for plain forms. */
import type { Context } from 'koa';

export function wantsJson(ctx: Context): boolean {
  return Boolean(ctx.request.is('application/json')) || ctx.accepts('html', 'json') === 'json';
}

/** Sends the user agent on: `{ redirectTo }` to JSON callers, a 303 to HTML forms. */
export function respondRedirect(ctx: Context, redirectTo: string): void {
  if (wantsJson(ctx)) {
    ctx.body = { redirectTo };
    return;
  }
  ctx.status = 303;
  ctx.redirect(redirectTo);
}
