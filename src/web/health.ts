/**
 * GET /healthz: the process is alive. GET /readyz: the session store answers.
 *
 * /readyz also reports each chain of CHAIN_IDS: its RPC (by label) and the
 * state last observed, or `no_rpc` (EOAs only). Readiness depends on the store
 * alone: an instance whose RPC is down still signs every EOA in, a load
 * balancer taking it out would not bring the RPC back, and every instance
 * shares the same RPC anyway. Chain states are the last observed ones, so
 * polling /readyz sends no request to any RPC.
 *
 * Once a stop has begun (SIGTERM, see shutdown.ts) /readyz answers 503
 * `{"status":"draining"}` at once, without asking the store, so the load
 * balancer takes the instance out of rotation while it still serves; /healthz
 * stays 200 (the process is alive, and must not be killed for draining).
 */
import type { Context, Next } from 'koa';
import { outageBody, STORE_OUTAGE } from '../storage/outage.js';
import type { Store } from '../storage/store.js';
import { isDraining } from './shutdown.js';

export interface ChainStatus {
  status(): Record<string, { rpc: string; state: string; since: string }>;
}

function chainsBody(chainIds: readonly number[], chains: ChainStatus | undefined) {
  const known = chains?.status() ?? {};
  return Object.fromEntries(chainIds.map((id) => [String(id), known[String(id)] ?? { rpc: null, state: 'no_rpc' }]));
}

export function health(store: Store, chainIds: readonly number[] = [], chains?: ChainStatus) {
  // Not async: every other request goes straight on, without another await on its way.
  return (ctx: Context, next: Next): Promise<void> => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || (ctx.path !== '/healthz' && ctx.path !== '/readyz')) return next();
    return answer(ctx);
  };

  async function answer(ctx: Context): Promise<void> {
    if (ctx.path === '/healthz') {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      ctx.set('Cache-Control', 'no-store');
      if (isDraining(ctx.app)) {
        ctx.status = 503;
        ctx.body = { status: 'draining', store: store.kind, chains: chainsBody(chainIds, chains) };
        return;
      }
      try {
        await store.ping();
        ctx.body = { status: 'ready', store: store.kind, chains: chainsBody(chainIds, chains) };
      } catch {
        ctx.status = STORE_OUTAGE.status;
        ctx.body = { status: 'unavailable', store: store.kind, ...outageBody(), chains: chainsBody(chainIds, chains) };
      }
    }
  }
}
