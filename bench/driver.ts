/**
 * The load driver, a process of its own: on request it runs `logins` full
 * logins against `base` with `concurrency` in flight, and reports the wall
 * time, the latency percentiles, failures and its own CPU time.
 */
import type { Agent } from 'node:http';
import { announceReady, serveIpc } from './lib/child-ipc.js';
import { createAgent } from './lib/http.js';
import { runLogin, StepError } from './lib/login.js';
import { newWallets } from './lib/wallets.js';

export interface RoundRequest {
  base: string;
  logins: number;
  concurrency: number;
  abandon?: boolean;
  /** Run for this long instead (logins is then ignored): each of `concurrency` loops logs in again and again. */
  durationMs?: number;
}

export interface RoundResult {
  ok: number;
  failed: number;
  firstError: string | null;
  elapsedMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Failed logins by the status that failed them ("0": no HTTP answer at all). */
  failedByStatus: Record<string, number>;
  /** Failed logins whose failing answer was a 5xx. */
  serverErrors: number;
  driverCpuMs: number;
}

const wallets = newWallets(64);
const agents = new Map<string, Agent>();

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
}

async function round({ base, logins, concurrency, abandon = false, durationMs }: RoundRequest): Promise<RoundResult> {
  const target = new URL(base);
  const agent = agents.get(base) ?? createAgent(concurrency);
  agents.set(base, agent);
  const latencies: number[] = [];
  let started = 0;
  let failed = 0;
  let firstError: string | null = null;
  const failedByStatus: Record<string, number> = {};
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const deadline = durationMs === undefined ? undefined : t0 + durationMs;
  const more = () => (deadline === undefined ? started < logins : performance.now() < deadline);
  const worker = async () => {
    while (more()) {
      const index = started++;
      const begin = performance.now();
      try {
        await runLogin(agent, target, wallets[index % wallets.length]!, abandon);
        latencies.push(performance.now() - begin);
      } catch (error) {
        failed += 1;
        firstError ??= (error as Error).message;
        const status = String(error instanceof StepError ? error.status : 0);
        failedByStatus[status] = (failedByStatus[status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    ok: latencies.length,
    failed,
    firstError,
    elapsedMs,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
    failedByStatus,
    serverErrors: Object.entries(failedByStatus).reduce((sum, [status, count]) => sum + (Number(status) >= 500 ? count : 0), 0),
    driverCpuMs: (used.user + used.system) / 1000,
  };
}

serveIpc({ round: (message) => round(message as unknown as RoundRequest) as unknown as Promise<Record<string, unknown>> }, async () => {
  for (const agent of agents.values()) agent.destroy();
});
announceReady();
