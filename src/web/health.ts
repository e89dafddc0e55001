/** GET /healthz: the process is alive. GET /readyz: the session store answers. */
import type { Context, Next } from 'koa';
import { outageBody, STORE_OUTAGE } from '../storage/outage.js';
import type { Store } from '../storage/store.js';

export function health(store: Store) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      ctx.set('Cache-Control', 'no-store');
      try {
        await store.ping();
        ctx.body = { status: 'ready', store: store.kind };
      } catch {
        ctx.status = STORE_OUTAGE.status;
        ctx.body = { status: 'unavailable', store: store.kind, ...outageBody() };
      }
      return;
    }
    return next();
  };
}
