/**
 * Bench-only inspection hooks of a server child, answered over IPC and only
 * when BENCH_HOOKS=1: `stats` (memory usage, and the memory store's entry
 * count) and, when node runs with --expose-gc, `gc` (a full collection before
 * the parent samples RSS). Production code never collects garbage by hand.
 */
import type { Server } from 'node:http';
import { serveIpc } from '../lib/child-ipc.js';
import type { Store } from '../../src/storage/store.js';

function stats(store: Store | undefined): Record<string, unknown> {
  const size = (store as { size?: unknown } | undefined)?.size;
  return { memory: process.memoryUsage(), storeSize: typeof size === 'number' ? size : null };
}

/** `store`: ours (the bare engine has none); `close`: what else to close on stop (the bare engine's Redis client). */
export function serveBenchHooks(server: Server, store: Store | undefined, close?: () => Promise<void>): void {
  const handlers: Parameters<typeof serveIpc>[0] = {};
  if (process.env.BENCH_HOOKS === '1') {
    handlers.stats = () => stats(store);
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      handlers.gc = () => {
        gc();
        return stats(store);
      };
    }
  }
  serveIpc(handlers, async () => {
    server.closeAllConnections();
    server.close();
    await Promise.all([store?.close().catch(() => undefined), close?.().catch(() => undefined)]);
  });
}
