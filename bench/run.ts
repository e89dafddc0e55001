/**
 * `npm run bench`: SIWE verification cost; what a whole login costs our server
 * against the bare oidc-provider engine on each store, and what each Redis
 * command of it is for; memory over 10,000 logins on each store; the memory
 * store's sweep; and a load of 200 login loops for 60 s. Measured in one run,
 * against baselines of the same run, and summed up in one table. Exits 0
 * whatever the figures (benchmarks report, they do not gate); 1 only if the
 * bench itself could not run.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { killAll, killChildrenOnExit, spawnChild } from './lib/children.js';
import { prepareServers } from './lib/compile.js';
import { startBenchRedis, type BenchRedis } from './lib/private-redis.js';
import { heading } from './lib/report.js';
import { startBenchServer, startFlags } from './lib/servers.js';
import { readBenchSettings } from './lib/settings.js';
import { freePort, writeBenchFiles, type BenchFiles } from './lib/setup.js';
import { benchContractWallets, describeContractWallets } from './contract-wallets.js';
import { asDeployed, benchLoginCost, printLoginCost } from './login-cost.js';
import { benchMicro } from './micro.js';
import { describeLoad, loadPhase, type LoadResult } from './phases/load.js';
import { memoryPhase, type MemorySample } from './phases/memory.js';
import { afterSweep, loadSweepServer, type StoreStats, storeStats } from './phases/sweep.js';
import { recordRedisTraffic, type RedisTraffic } from './redis-traffic.js';
import { printSummary } from './summary.js';

const settings = readBenchSettings();
const prefix = `siwe-idp-bench-${randomBytes(4).toString('hex')}-`;
const progress = (line: string) => console.log(line);
let files: BenchFiles | undefined;
let redis: BenchRedis | undefined;
let cleaning: Promise<void> | undefined;
let interrupted = false;

/**
 * The memory store's soak runs with short lifetimes, so that sign-ins expire
 * while it runs and "flat" can be seen: with the defaults (7-day sessions)
 * every login's session is live state for a week, on any store.
 */
const SHORT_LIFETIMES = {
  INTERACTION_TTL: '60',
  ACCESS_TOKEN_TTL: '10s',
  ID_TOKEN_TTL: '10s',
  REFRESH_TOKEN_TTL: '10s',
  SESSION_TTL: '10s',
  SESSION_MAX_AGE: '10s',
  BENCH_SWEEP_MS: '2000',
};
/** The longest of those (an interaction, its nonce marker, a code: 60 s), and a sweep. */
const SHORT_LIFETIMES_PASS_MS = 65_000;

/** Kills the children, stops the bench's Redis (or deletes this run's keys from an outside one), deletes temp files; once. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAll();
    await redis?.stop();
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
  console.log(`siwe-idp bench — node ${process.version}, ${cpus().length} CPUs, key prefix ${prefix}`);
  console.log(
    `settings: BENCH_LOGINS=${settings.logins} per round, BENCH_ROUNDS=${settings.rounds}, BENCH_CONCURRENCY=${settings.concurrency}, ` +
      `BENCH_WARMUP=${settings.warmup}, BENCH_STORES=${settings.stores.join(',')}, BENCH_TRAFFIC_LOGINS=${settings.trafficLogins}, ` +
      `BENCH_MEMORY_LOGINS=${settings.memoryLogins} (sampled every ${settings.memoryStep}), BENCH_SWEEP_LOGINS=${settings.sweepLogins}, ` +
      `BENCH_LOAD_CONCURRENCY=${settings.loadConcurrency}, BENCH_LOAD_SECONDS=${settings.loadSeconds}` +
      `${settings.cpuProfDir ? `, BENCH_CPU_PROF=${settings.cpuProfDir}` : ''}`,
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
  redis = await startBenchRedis(settings.redisUrl, prefix);
  console.log(
    `\n${runtime.note}; node flags for every server: ${process.env.BENCH_SERVER_NODE_ARGS ?? startFlags().join(' ')}; ` +
      `Redis: ${redis.pid ? `the bench's own redis-server (${redis.url})` : redis.url}`,
  );
  const redisEnv = { ...files.env, REDIS_URL: redis.url };
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

  const loginCost = await benchLoginCost({ settings, runtime, files, redis, driver, prefix }, progress);

  heading(`2c. What each Redis command of a login is for (${settings.trafficLogins} logins, one at a time, under MONITOR)`);
  const traffic: Partial<Record<'ours' | 'bare', RedisTraffic>> = {};
  for (const kind of ['ours', 'bare'] as const) {
    const server = await startBenchServer(runtime, kind, `${kind}-traffic`, {
      ...redisEnv,
      BENCH_NAMESPACE: `${prefix}${kind}-traffic`,
      ...(kind === 'ours' ? asDeployed(await freePort()) : {}),
    });
    await driver.call({ type: 'round', base: server.base, logins: 20, concurrency: 2 });
    traffic[kind] = await recordRedisTraffic(redis.url, driver, server, settings.trafficLogins);
    await server.child.stop();
    progress(
      `  ${kind}: ${traffic[kind]!.roundTrips.toFixed(1)} commands sent per login, ${traffic[kind]!.scripted.toFixed(1)} more run by scripts`,
    );
  }

  heading('3a. Memory over many logins (fresh process each, --expose-gc; a full GC before each "after GC" sample)');
  const memory: Partial<Record<'memory' | 'redis', MemorySample[]>> = {};
  let memorySettled: StoreStats | undefined;
  for (const store of ['redis', 'memory'] as const) {
    progress(
      `  ${store} store${store === 'memory' ? ` (short lifetimes, so sign-ins expire during the run: ${JSON.stringify(SHORT_LIFETIMES)})` : ''}:`,
    );
    const env = store === 'redis' ? { ...redisEnv, BENCH_NAMESPACE: `${prefix}memory` } : { ...files.env, ...SHORT_LIFETIMES };
    const server = await startBenchServer(runtime, 'ours', `ours-soak-${store}`, env, ['--expose-gc']);
    memory[store] = await memoryPhase(
      driver,
      server,
      { warmup: settings.warmup, total: settings.memoryLogins, step: settings.memoryStep, concurrency: settings.concurrency },
      progress,
    );
    if (store === 'memory') {
      // Everything those logins left has expired and been swept: what is left is what the process keeps for good.
      await new Promise((resolve) => setTimeout(resolve, SHORT_LIFETIMES_PASS_MS));
      const settled = await storeStats(server.child);
      memorySettled = settled;
      progress(
        `  ${SHORT_LIFETIMES_PASS_MS / 1000} s later, every sign-in expired and swept: ${settled.entries} store entries, ` +
          `V8 heap used ${settled.heapUsedMb.toFixed(1)} MB after GC, RSS ${settled.rssMb.toFixed(1)} MB`,
      );
    }
    await server.child.stop();
  }

  heading('3b. Memory store after the sweep');
  const swept = await afterSweep(sweepServer.child, sweepLoad, progress);
  progress(
    `  ${swept.entries} store entries, heap ${swept.heapUsedMb.toFixed(1)} MB after GC, RSS ${swept.rssMb.toFixed(1)} MB (was ${sweepLoad.before.rssMb.toFixed(1)} MB)`,
  );
  await sweepServer.child.stop();

  heading(
    `4. Load: ${settings.loadConcurrency} login loops for ${settings.loadSeconds} s against one instance (as deployed: limits counting, logs, metrics)`,
  );
  const load: LoadResult[] = [];
  for (const store of ['memory', 'redis'] as const) {
    // In memory every login's session lives its 7 days: a minute of this load is more than the default cap
    // (MEMORY_STORE_MAX_ENTRIES, about 12,000 sign-ins' worth), past which new sign-ins are refused as designed.
    const env =
      store === 'redis' ? { ...redisEnv, BENCH_NAMESPACE: `${prefix}load` } : { ...files.env, MEMORY_STORE_MAX_ENTRIES: '2000000' };
    const server = await startBenchServer(runtime, 'ours', `ours-load-${store}`, {
      ...env,
      ...asDeployed(await freePort()),
    });
    const result = await loadPhase(driver, server, { store, concurrency: settings.loadConcurrency, seconds: settings.loadSeconds });
    await server.child.stop();
    load.push(result);
    progress(describeLoad(result));
  }
  await driver.stop();

  printLoginCost(loginCost);
  printSummary({ settings, micro, contracts, loginCost, traffic, memory, memorySettled, sweepLoad, swept, load });
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
