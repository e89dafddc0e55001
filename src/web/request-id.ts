/**
 * Every request has an id: the caller's `X-Request-Id` when it is sane (1 to
 * 128 characters of A-Z a-z 0-9 . _ : -), otherwise a fresh UUID. The response
 * returns it in `X-Request-Id` (error responses included), it is
 * `ctx.state.requestId`, and every log line written while the request is
 * served carries it as `request_id` (log.ts, through AsyncLocalStorage), so
 * the existing log calls need no change. The first middleware of the app (see app.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { runWithLogContext } from '../log.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming header's value when it is one sane id, else a new one. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE.test(incoming) ? incoming : randomUUID();
}

/** The id of the request `ctx` serves (set by requestId). */
export function requestIdOf(ctx: Context): string | undefined {
  return (ctx.state as { requestId?: string }).requestId;
}

export async function requestId(ctx: Context, next: Next): Promise<void> {
  const id = requestIdFrom(ctx.req.headers['x-request-id']);
  ctx.state.requestId = id;
  ctx.set(REQUEST_ID_HEADER, id);
  try {
    await runWithLogContext({ request_id: id }, next);
  } catch (error) {
    // Koa's error response drops the headers set so far and sets error.headers instead.
    if (error !== null && typeof error === 'object') {
      const withHeaders = error as { headers?: Record<string, string> };
      withHeaders.headers = { ...withHeaders.headers, [REQUEST_ID_HEADER]: id };
    }
    throw error;
  }
}
