/** The bench's knobs, from the environment, with defaults sized for ~3 minutes on 2 cores. */
function count(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
}

function stores(raw: string | undefined): ('memory' | 'redis')[] {
  const names = (raw || 'memory,redis').split(',').map((name) => name.trim());
  for (const name of names)
    if (name !== 'memory' && name !== 'redis') throw new Error(`BENCH_STORES: "${name}" is neither memory nor redis`);
  return names as ('memory' | 'redis')[];
}

export function readBenchSettings() {
  const memoryLogins = count('BENCH_MEMORY_LOGINS', 10_000, 4);
  return {
    /** Logins per measured throughput round. */
    logins: count('BENCH_LOGINS', 800),
    concurrency: count('BENCH_CONCURRENCY', 8),
    rounds: count('BENCH_ROUNDS', 7),
    warmup: count('BENCH_WARMUP', 500),
    memoryLogins,
    memoryStep: Math.ceil(memoryLogins / 4),
    sweepLogins: count('BENCH_SWEEP_LOGINS', 300),
    sweepMs: 5000,
    /** An outside Redis instead of the bench's own redis-server (lib/private-redis.ts). */
    redisUrl: process.env.BENCH_REDIS_URL || undefined,
    /** Section 4: login loops run at once against one instance, and for how long. */
    loadConcurrency: count('BENCH_LOAD_CONCURRENCY', 200),
    loadSeconds: count('BENCH_LOAD_SECONDS', 60),
    /** Section 2c: logins recorded by MONITOR to say what each Redis command is for. */
    trafficLogins: count('BENCH_TRAFFIC_LOGINS', 50),
    /** Which stores section 2 measures the login cost on (BENCH_STORES=memory,redis). */
    stores: stores(process.env.BENCH_STORES),
    /** A directory: the throughput servers run with --cpu-prof and write their profiles there. */
    cpuProfDir: process.env.BENCH_CPU_PROF || undefined,
  };
}

export type BenchSettings = ReturnType<typeof readBenchSettings>;
