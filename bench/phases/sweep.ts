/**
 * The in-memory store forgets what expired: load a memory-store server with
 * completed and abandoned logins (INTERACTION_TTL=60 s, the minimum; codes
 * live 60 s), then, once everything short-lived has expired and the sweep
 * (BENCH_SWEEP_MS) has run, compare the store's entry count and memory.
 */
import type { Child } from '../lib/children.js';
import { rssMb } from '../lib/proc.js';
import type { RoundResult } from '../driver.js';

export interface StoreStats {
  entries: number;
  rssMb: number;
  heapUsedMb: number;
}

export interface SweepLoad {
  before: StoreStats;
  completed: number;
  abandoned: number;
  /** Epoch ms after which every short-lived entry has expired and been swept. */
  sweptBy: number;
}

const MB = 1024 * 1024;

export async function storeStats(server: Child): Promise<StoreStats> {
  const reply = await server.call<{ memory: NodeJS.MemoryUsage; storeSize: number | null }>({ type: 'gc' });
  return { entries: reply.storeSize ?? Number.NaN, rssMb: rssMb(server.pid), heapUsedMb: reply.memory.heapUsed / MB };
}

export async function loadSweepServer(
  driver: Child,
  server: Child,
  base: string,
  options: { completed: number; abandoned: number; concurrency: number; ttlMs: number; sweepMs: number },
): Promise<SweepLoad> {
  const full = await driver.call<RoundResult>({ type: 'round', base, logins: options.completed, concurrency: options.concurrency });
  const left = await driver.call<RoundResult>({
    type: 'round',
    base,
    logins: options.abandoned,
    concurrency: options.concurrency,
    abandon: true,
  });
  if (full.failed || left.failed) throw new Error(`memory-store load failed: ${full.firstError ?? left.firstError}`);
  return {
    before: await storeStats(server),
    completed: full.ok,
    abandoned: left.ok,
    sweptBy: Date.now() + options.ttlMs + options.sweepMs + 1000,
  };
}

export async function afterSweep(server: Child, load: SweepLoad, progress: (line: string) => void): Promise<StoreStats> {
  const wait = load.sweptBy - Date.now();
  if (wait > 0) {
    progress(`  waiting ${(wait / 1000).toFixed(0)} s more for the 60 s TTLs to pass and the sweep to run`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return storeStats(server);
}
