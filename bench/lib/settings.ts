/** The bench's knobs, from the environment, with defaults sized for ~3 minutes on 2 cores. */
function count(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
}

export function readBenchSettings() {
  const memoryLogins = count('BENCH_MEMORY_LOGINS', 10_000, 4);
  return {
    /** Logins per measured throughput round. */
    logins: count('BENCH_LOGINS', 1500),
    concurrency: count('BENCH_CONCURRENCY', 8),
    rounds: count('BENCH_ROUNDS', 3),
    warmup: count('BENCH_WARMUP', 500),
    memoryLogins,
    memoryStep: Math.ceil(memoryLogins / 4),
    sweepLogins: count('BENCH_SWEEP_LOGINS', 300),
    sweepMs: 5000,
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    /** A directory: the throughput servers run with --cpu-prof and write their profiles there. */
    cpuProfDir: process.env.BENCH_CPU_PROF || undefined,
  };
}

export type BenchSettings = ReturnType<typeof readBenchSettings>;
