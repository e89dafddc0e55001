/**
 * Section 2 of the bench: what a whole login costs our server against the bare
 * engine (./servers/bare.ts: oidc-provider with a plain adapter and no proof),
 * on each store, in interleaved rounds from one driver. Ours runs as deployed
 * for the internet: every rate limit counting, audit logs at info, metrics on
 * their own port. On Redis, both use the bench's own redis-server, so its
 * command counts (by command) and CPU time are theirs alone.
 *
 * Alone: `npx tsx bench/login-cost.ts` (BENCH_LOGINS, BENCH_ROUNDS,
 * BENCH_CONCURRENCY, BENCH_WARMUP, BENCH_CPU_PROF apply).
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseExposition, sumOf } from '../test/metrics/exposition.js';
import { killAll, killChildrenOnExit, spawnChild, type Child } from './lib/children.js';
import { prepareServers, type ServerRuntime } from './lib/compile.js';
import { startBenchRedis, type BenchRedis } from './lib/private-redis.js';
import { openRedisCounter } from './lib/redis-counter.js';
import { fixed, heading, table } from './lib/report.js';
import { startBenchServer } from './lib/servers.js';
import { readBenchSettings, type BenchSettings } from './lib/settings.js';
import { freePort, writeBenchFiles, type BenchFiles } from './lib/setup.js';
import { throughputPhase, type RoundRecord } from './phases/throughput.js';

type StoreKind = 'memory' | 'redis';

export interface LoginCost {
  store: StoreKind;
  rounds: RoundRecord[];
  /** Successful sign-ins ours' metrics endpoint counted (siwe_idp_logins_total): proof that metrics were on. */
  metricsLogins: number;
}

/** The sum of siwe_idp_logins_total{outcome="success",…} on a metrics endpoint (NaN when it does not answer). */
async function countedLogins(metricsUrl: string): Promise<number> {
  try {
    const samples = parseExposition(await (await fetch(metricsUrl)).text());
    return sumOf(samples, 'siwe_idp_logins_total', { outcome: 'success' });
  } catch {
    return Number.NaN;
  }
}

export interface LoginCostOptions {
  settings: BenchSettings;
  runtime: ServerRuntime;
  files: BenchFiles;
  redis: BenchRedis;
  driver: Child;
  prefix: string;
}

/**
 * Ours as deployed for the internet, for every section that runs it: audit
 * events logged, metrics served on their own loopback port (scraped or not,
 * they are counted).
 */
export function asDeployed(metricsPort: number): Record<string, string> {
  return { LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' };
}

/** BENCH_OURS_ENV="NAME=value …": settings changed for ours only, to price one feature (e.g. RATE_LIMITS=off). */
function oursEnvOverrides(): Record<string, string> {
  const pairs = (process.env.BENCH_OURS_ENV ?? '').split(' ').filter(Boolean);
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** Both stores, memory first; each pair of servers is stopped before the next starts. */
export async function benchLoginCost(options: LoginCostOptions, progress: (line: string) => void): Promise<LoginCost[]> {
  const { settings, runtime, files, redis, driver, prefix } = options;
  const profArgs = settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [];
  const results: LoginCost[] = [];
  for (const store of settings.stores) {
    heading(`2${store === 'memory' ? 'a' : 'b'}. Login cost on the ${store} store: ours vs the bare engine (interleaved rounds)`);
    const storeEnv: Record<string, string> = store === 'redis' ? { REDIS_URL: redis.url } : {};
    const bare = await startBenchServer(
      runtime,
      'bare',
      `bare-${store}`,
      { ...files.env, ...storeEnv, BENCH_NAMESPACE: `${prefix}bare` },
      profArgs,
    );
    const metricsPort = await freePort();
    const ours = await startBenchServer(
      runtime,
      'ours',
      `ours-${store}`,
      {
        ...files.env,
        ...storeEnv,
        BENCH_NAMESPACE: `${prefix}ours`,
        ...asDeployed(metricsPort),
        ...oursEnvOverrides(),
      },
      profArgs,
    );
    const counter = store === 'redis' ? await openRedisCounter(redis.url) : undefined;
    try {
      const rounds = await throughputPhase(
        { driver, targets: [bare, ours], ...settings, redisPid: store === 'redis' ? redis.pid : undefined, redis: counter },
        progress,
      );
      results.push({ store, rounds, metricsLogins: await countedLogins(`http://127.0.0.1:${metricsPort}/metrics`) });
    } finally {
      await Promise.all([bare.child.stop(), ours.child.stop(), counter?.close()]);
    }
  }
  return results;
}

export function summarize(rounds: RoundRecord[], name: RoundRecord['target']) {
  const mine = rounds.filter((round) => round.target === name);
  const ok = mine.reduce((sum, round) => sum + round.ok, 0);
  const seconds = mine.reduce((sum, round) => sum + round.elapsedMs, 0) / 1000;
  const weighted = (pick: (round: RoundRecord) => number) => mine.reduce((sum, round) => sum + pick(round) * round.ok, 0) / Math.max(1, ok);
  const commands: Record<string, number> = {};
  for (const round of mine) {
    for (const [command, perLogin] of Object.entries(round.redisCommandsByName)) {
      commands[command] = (commands[command] ?? 0) + (perLogin * round.ok) / Math.max(1, ok);
    }
  }
  return {
    perSecond: ok / seconds,
    serverCpu: weighted((round) => round.serverCpuMsPerLogin),
    redisCommands: weighted((round) => round.redisCommandsPerLogin),
    commands,
    redisCpu: mine.some((round) => round.redisCpuMsPerLogin === null) ? Number.NaN : weighted((round) => round.redisCpuMsPerLogin ?? 0),
    driverBusy: mine.reduce((sum, round) => sum + round.driverCpuMs, 0) / 1000 / seconds,
    p50: weighted((round) => round.p50Ms),
    p95: weighted((round) => round.p95Ms),
    failed: mine.reduce((sum, round) => sum + round.failed, 0),
  };
}

/** ours/bare of `pick` (CPU per login unless told) for each round pair: round i of ours with round i of the bare engine. */
function pairRatios(rounds: RoundRecord[], pick: (round: RoundRecord) => number = (round) => round.serverCpuMsPerLogin): number[] {
  const bareRounds = rounds.filter((round) => round.target === 'bare');
  return rounds.filter((round) => round.target === 'ours').map((round, i) => pick(round) / pick(bareRounds[i]!));
}

/**
 * The median of the pair ratios: the figure the summary compares with the
 * target. The host of these machines slows down for seconds at a time; a
 * round caught in that is an outlier the median ignores and the pooled ratio
 * does not.
 */
export function medianRatio(rounds: RoundRecord[]): number {
  const sorted = pairRatios(rounds).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** "get 7.0, set 4.0, …", most frequent first. */
function commandList(commands: Record<string, number>): string {
  return Object.entries(commands)
    .sort((a, b) => b[1] - a[1])
    .map(([command, perLogin]) => `${command} ${fixed(perLogin, 1)}`)
    .join(', ');
}

export function printLoginCost(results: LoginCost[]): void {
  for (const { store, rounds, metricsLogins } of results) {
    heading(`2${store === 'memory' ? 'a' : 'b'}. Login cost detail, ${store} store (all measured rounds)`);
    const bare = summarize(rounds, 'bare');
    const ours = summarize(rounds, 'ours');
    const rows = [bare, ours].map((a, i) => [
      i === 0 ? 'bare' : 'ours',
      fixed(a.perSecond),
      fixed(a.serverCpu, 3),
      store === 'redis' ? fixed(a.redisCommands, 1) : '-',
      store === 'redis' ? fixed(a.redisCpu, 3) : '-',
      `${fixed(a.driverBusy * 100, 0)} %`,
      fixed(a.p50, 1),
      fixed(a.p95, 1),
      String(a.failed),
    ]);
    console.log(
      table(
        [
          'server',
          'logins/s',
          'server CPU ms/login',
          'Redis cmds/login',
          'Redis CPU ms/login',
          'driver busy',
          'p50 ms',
          'p95 ms',
          'failed',
        ],
        rows,
      ),
    );
    const list = (ratios: number[]) => ratios.map((ratio) => fixed(ratio, 3)).join(', ');
    console.log(
      `ours/bare CPU per login, per round pair: ${list(pairRatios(rounds))}; ` +
        `throughput: ${list(pairRatios(rounds, (round) => round.loginsPerSecond))}`,
    );
    console.log(
      `CPU per login ours / bare: median of the round pairs ${fixed(medianRatio(rounds), 3)}×; all rounds pooled ${fixed(ours.serverCpu / bare.serverCpu, 3)}× (+${fixed((ours.serverCpu - bare.serverCpu) * 1000, 0)} µs); throughput ${fixed(ours.perSecond / bare.perSecond, 3)}`,
    );
    console.log(`ours' metrics endpoint counted ${metricsLogins} successful sign-ins (warm-up included)`);
    if (store === 'redis') {
      console.log(`Redis commands per login, ours: ${commandList(ours.commands)}`);
      console.log(`Redis commands per login, bare: ${commandList(bare.commands)}`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const settings = readBenchSettings();
  const prefix = `siwe-idp-bench-${randomBytes(4).toString('hex')}-`;
  let files: BenchFiles | undefined;
  let redis: BenchRedis | undefined;
  const cleanup = async () => {
    killAll();
    await redis?.stop();
    await files?.remove();
  };
  killChildrenOnExit(cleanup);
  try {
    files = await writeBenchFiles();
    const runtime = await prepareServers(files.dir);
    redis = await startBenchRedis(settings.redisUrl, prefix);
    const driver = await spawnChild('driver', 'bench/driver.ts');
    console.log(`${runtime.note}; Redis ${redis.pid ? `private, ${redis.url}` : redis.url}`);
    const results = await benchLoginCost({ settings, runtime, files, redis, driver, prefix }, (line) => console.log(line));
    await driver.stop();
    printLoginCost(results);
    await cleanup();
    process.exit(0);
  } catch (error) {
    console.error(`\nbench failed: ${(error as Error).stack ?? String(error)}`);
    await cleanup();
    process.exit(1);
  }
}
