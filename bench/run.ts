/**
 * `npm run bench`: SIWE verification cost, login throughput against the bare
 * oidc-provider engine, and memory, measured in one run and summed up in one
 * table. Exits 0 whatever the figures (benchmarks report, they do not gate);
 * 1 only if the bench itself could not run.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { killAll, killChildrenOnExit, spawnChild } from './lib/children.js';
import { prepareServers } from './lib/compile.js';
import { findRedisPid } from './lib/proc.js';
import { openRedisCounter } from './lib/redis-counter.js';
import { deleteKeys } from './lib/redis-namespace.js';
import { heading } from './lib/report.js';
import { startBenchServer, startFlags } from './lib/servers.js';
import { readBenchSettings } from './lib/settings.js';
import { writeBenchFiles, type BenchFiles } from './lib/setup.js';
import { benchContractWallets, describeContractWallets } from './contract-wallets.js';
import { benchMicro } from './micro.js';
import { memoryPhase } from './phases/memory.js';
import { afterSweep, loadSweepServer } from './phases/sweep.js';
import { throughputPhase } from './phases/throughput.js';
import { printSummary } from './summary.js';

const settings = readBenchSettings();
const prefix = `siwe-idp-bench-${randomBytes(4).toString('hex')}-`;
const progress = (line: string) => console.log(line);
let files: BenchFiles | undefined;
let cleaning: Promise<void> | undefined;
let interrupted = false;

/** Kills the children, deletes this run's Redis keys and temp files; once, however often it is called. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAll();
    const deleted = await deleteKeys(settings.redisUrl, prefix).catch((error: Error) => `not deleted (${error.message})`);
    console.log(`\nRedis keys "${prefix}*" removed: ${deleted}`);
    await files?.remove();
  })();
  return cleaning;
}
killChildrenOnExit(() => {
  interrupted = true;
  return cleanup();
});

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`siwe-idp bench — node ${process.version}, ${cpus().length} CPUs, Redis ${settings.redisUrl}, key prefix ${prefix}`);
  console.log(
    `settings: BENCH_LOGINS=${settings.logins} per round, BENCH_ROUNDS=${settings.rounds}, BENCH_CONCURRENCY=${settings.concurrency}, ` +
      `BENCH_WARMUP=${settings.warmup}, BENCH_MEMORY_LOGINS=${settings.memoryLogins} (sampled every ${settings.memoryStep}), ` +
      `BENCH_SWEEP_LOGINS=${settings.sweepLogins}${settings.cpuProfDir ? `, BENCH_CPU_PROF=${settings.cpuProfDir}` : ''}`,
  );

  heading('1. SIWE verification (in process, median of interleaved blocks)');
  const micro = await benchMicro();
  progress(
    `  verifySiwe ${micro.verifySiweUs.toFixed(1)} µs/op (parse ${micro.parseUs.toFixed(1)}, recoverAddress ${micro.recoverUs.toFixed(1)}), ethers verifyMessage ${micro.ethersUs.toFixed(1)} µs/op`,
  );
  progress(`  ${micro.blocks} blocks of ${JSON.stringify(micro.perBlock)} iterations after one warm-up block each`);

  heading('1b. Contract wallets (in process, against a local anvil through an RPC request counter)');
  const contracts = await benchContractWallets();
  for (const line of describeContractWallets(contracts)) progress(line);

  files = await writeBenchFiles();
  const runtime = await prepareServers(files.dir);
  console.log(`\n${runtime.note}; node flags for both servers: ${process.env.BENCH_SERVER_NODE_ARGS ?? startFlags().join(' ')}`);
  const redisEnv = { ...files.env, REDIS_URL: settings.redisUrl };
  const driver = await spawnChild('driver', 'bench/driver.ts');

  heading('3b. Memory store: loading it now, checked after its 60 s TTLs (below)');
  const sweepServer = await startBenchServer(
    runtime,
    'ours',
    'ours-memory-store',
    { ...files.env, INTERACTION_TTL: '60', BENCH_SWEEP_MS: String(settings.sweepMs) },
    ['--expose-gc'],
  );
  const sweepLoad = await loadSweepServer(driver, sweepServer.child, sweepServer.base, {
    completed: settings.sweepLogins,
    abandoned: settings.sweepLogins,
    concurrency: settings.concurrency,
    ttlMs: 60_000,
    sweepMs: settings.sweepMs,
  });
  progress(
    `  ${sweepLoad.completed} completed + ${sweepLoad.abandoned} abandoned logins: ${sweepLoad.before.entries} store entries, heap ${sweepLoad.before.heapUsedMb.toFixed(1)} MB after GC`,
  );

  heading('2. Login throughput: ours vs the bare engine (Redis store, interleaved rounds)');
  const profArgs = settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [];
  const bare = await startBenchServer(runtime, 'bare', 'bare', { ...redisEnv, BENCH_NAMESPACE: `${prefix}bare` }, profArgs);
  const ours = await startBenchServer(runtime, 'ours', 'ours', { ...redisEnv, BENCH_NAMESPACE: `${prefix}ours` }, profArgs);
  const redis = await openRedisCounter(settings.redisUrl);
  const rounds = await throughputPhase({ driver, targets: [bare, ours], ...settings, redisPid: findRedisPid(), redis }, progress);
  await Promise.all([bare.child.stop(), ours.child.stop(), redis.close()]);

  heading('3a. Memory: our server, Redis store, fresh process (--expose-gc; the bench hook runs a full GC before each "after GC" sample)');
  const memoryServer = await startBenchServer(runtime, 'ours', 'ours-memory', { ...redisEnv, BENCH_NAMESPACE: `${prefix}memory` }, [
    '--expose-gc',
  ]);
  const memory = await memoryPhase(
    driver,
    memoryServer,
    { warmup: settings.warmup, total: settings.memoryLogins, step: settings.memoryStep, concurrency: settings.concurrency },
    progress,
  );
  await memoryServer.child.stop();

  heading('3b. Memory store after the sweep');
  const swept = await afterSweep(sweepServer.child, sweepLoad, progress);
  progress(
    `  ${swept.entries} store entries, heap ${swept.heapUsedMb.toFixed(1)} MB after GC, RSS ${swept.rssMb.toFixed(1)} MB (was ${sweepLoad.before.rssMb.toFixed(1)} MB)`,
  );
  await Promise.all([sweepServer.child.stop(), driver.stop()]);

  printSummary({ settings, micro, contracts, rounds, memory, sweepLoad, swept });
  console.log(`\ntotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

try {
  await main();
  await cleanup();
  process.exit(0);
} catch (error) {
  if (interrupted) {
    await cleanup(); // already under way: the signal handler started it and exits when it is done
    process.exit(130);
  }
  console.error(`\nbench failed: ${(error as Error).stack ?? String(error)}`);
  await cleanup();
  process.exit(1);
}
