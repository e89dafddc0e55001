/**
 * Load: one instance, `concurrency` login loops (each a whole login, again and
 * again) for `seconds`. What counts: no 5xx; p50 and p99 of a whole login;
 * the server's RSS, sampled every second (peak) and at the end.
 */
import type { RoundResult } from '../driver.js';
import type { Child } from '../lib/children.js';
import { cpuMs, rssMb } from '../lib/proc.js';
import type { StartedServer } from '../lib/servers.js';

export interface LoadResult extends RoundResult {
  store: 'memory' | 'redis';
  concurrency: number;
  seconds: number;
  loginsPerSecond: number;
  serverCpuMsPerLogin: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
}

export async function loadPhase(
  driver: Child,
  server: StartedServer,
  options: { store: 'memory' | 'redis'; concurrency: number; seconds: number },
): Promise<LoadResult> {
  const pid = server.child.pid;
  // A short warm-up at the same concurrency: the JIT and the agent's sockets.
  await driver.call<RoundResult>({ type: 'round', base: server.base, logins: options.concurrency * 2, concurrency: options.concurrency });
  const rssBeforeMb = rssMb(pid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => {
    rssPeakMb = Math.max(rssPeakMb, rssMb(pid));
  }, 1000);
  const cpu0 = cpuMs(pid);
  try {
    const result = await driver.call<RoundResult>(
      { type: 'round', base: server.base, logins: 0, concurrency: options.concurrency, durationMs: options.seconds * 1000 },
      options.seconds * 1000 + 120_000,
    );
    const rssAfterMb = rssMb(pid);
    return {
      ...result,
      ...options,
      loginsPerSecond: (result.ok * 1000) / result.elapsedMs,
      serverCpuMsPerLogin: (cpuMs(pid) - cpu0) / Math.max(1, result.ok),
      rssBeforeMb,
      rssPeakMb: Math.max(rssPeakMb, rssAfterMb),
      rssAfterMb,
    };
  } finally {
    clearInterval(sampler);
  }
}

export function describeLoad(r: LoadResult): string {
  const failures = Object.entries(r.failedByStatus)
    .map(
      ([status, count]) =>
        `${count} × ${status === '0' ? 'no answer' : status === '303' || status === '302' ? 'refused to the relying party' : status}`,
    )
    .join(', ');
  return (
    `  ${r.store}: ${r.concurrency} loops × ${r.seconds} s: ${r.ok} logins (${r.loginsPerSecond.toFixed(0)}/s), ` +
    `p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, 5xx ${r.serverErrors}` +
    `${r.failed ? `, failed ${r.failed} (${failures}; first: ${r.firstError})` : ', no failure'}; ` +
    `server CPU ${r.serverCpuMsPerLogin.toFixed(2)} ms/login; RSS ${r.rssBeforeMb.toFixed(0)} → peak ${r.rssPeakMb.toFixed(0)} → ${r.rssAfterMb.toFixed(0)} MB`
  );
}
