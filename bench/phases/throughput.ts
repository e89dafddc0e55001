/**
 * Login throughput, ours against the bare engine: a warm-up round each, then
 * interleaved rounds (bare, ours | ours, bare | …) of the same size from the
 * same driver. Besides wall time, the CPU time the server (and Redis) spent per
 * login, read from /proc: steadier than logins/s on a shared machine.
 */
import type { RoundResult } from '../driver.js';
import type { Child } from '../lib/children.js';
import { cpuMs } from '../lib/proc.js';
import type { RedisCounter } from '../lib/redis-counter.js';

export interface Target {
  name: 'bare' | 'ours';
  child: Child;
  base: string;
}

export interface RoundRecord extends RoundResult {
  target: Target['name'];
  loginsPerSecond: number;
  serverCpuMsPerLogin: number;
  redisCpuMsPerLogin: number | null;
  /** Commands Redis processed per login (INFO commandstats, the counter's own INFO calls left out). */
  redisCommandsPerLogin: number;
  /** The same, by command ("get" → 7.0). */
  redisCommandsByName: Record<string, number>;
}

export interface ThroughputOptions {
  driver: Child;
  targets: [Target, Target];
  logins: number;
  warmup: number;
  rounds: number;
  concurrency: number;
  redisPid: number | undefined;
  redis?: RedisCounter;
}

export async function measuredRound(
  driver: Child,
  target: Target,
  logins: number,
  concurrency: number,
  redisPid?: number,
  redis?: RedisCounter,
): Promise<RoundRecord> {
  const commands0 = redis ? await redis.byCommand() : undefined;
  const server0 = cpuMs(target.child.pid);
  const redis0 = redisPid ? cpuMs(redisPid) : 0;
  const result = await driver.call<RoundResult>({ type: 'round', base: target.base, logins, concurrency });
  const done = Math.max(1, result.ok);
  const commands1 = redis ? await redis.byCommand() : undefined;
  const byName: Record<string, number> = {};
  for (const [name, calls] of commands1 ?? []) {
    const delta = calls - (commands0?.get(name) ?? 0);
    if (delta > 0) byName[name] = delta / done;
  }
  const commands = commands1 ? Object.values(byName).reduce((sum, perLogin) => sum + perLogin, 0) : Number.NaN;
  return {
    ...result,
    target: target.name,
    loginsPerSecond: (result.ok * 1000) / result.elapsedMs,
    serverCpuMsPerLogin: (cpuMs(target.child.pid) - server0) / done,
    redisCpuMsPerLogin: redisPid ? (cpuMs(redisPid) - redis0) / done : null,
    redisCommandsPerLogin: commands,
    redisCommandsByName: byName,
  };
}

export async function throughputPhase(options: ThroughputOptions, progress: (line: string) => void): Promise<RoundRecord[]> {
  const { driver, targets, logins, warmup, rounds, concurrency, redisPid, redis } = options;
  for (const target of targets) {
    const warm = await measuredRound(driver, target, warmup, concurrency);
    progress(
      `  warm-up ${target.name}: ${warm.ok} logins, ${warm.loginsPerSecond.toFixed(0)}/s${warm.failed ? `, ${warm.failed} FAILED: ${warm.firstError}` : ''}`,
    );
  }
  const records: RoundRecord[] = [];
  for (let round = 1; round <= rounds; round++) {
    // bare, ours | ours, bare | …: neither always runs first, so slow drift favours neither.
    for (const target of round % 2 === 1 ? targets : [...targets].reverse()) {
      const record = await measuredRound(driver, target, logins, concurrency, redisPid, redis);
      records.push(record);
      progress(
        `  round ${round} ${target.name.padEnd(4)}: ${record.loginsPerSecond.toFixed(1).padStart(6)} logins/s, ` +
          `server ${record.serverCpuMsPerLogin.toFixed(2)} ms CPU/login, p50 ${record.p50Ms.toFixed(0)} ms, p95 ${record.p95Ms.toFixed(0)} ms` +
          (record.failed ? `, ${record.failed} FAILED: ${record.firstError}` : ''),
      );
    }
  }
  return records;
}
