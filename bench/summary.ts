/** The detail tables after the run, and the final figure / value / target / met? table. */
import { type LoginCost, medianRatio, summarize } from './login-cost.js';
import { fixed, heading, table, yesNo } from './lib/report.js';
import type { BenchSettings } from './lib/settings.js';
import type { ContractWalletResult } from './contract-wallets.js';
import type { MicroResult } from './micro.js';
import type { LoadResult } from './phases/load.js';
import type { MemorySample } from './phases/memory.js';
import type { StoreStats, SweepLoad } from './phases/sweep.js';
import type { RedisTraffic } from './redis-traffic.js';

export interface Results {
  settings: BenchSettings;
  micro: MicroResult;
  contracts: ContractWalletResult;
  loginCost: LoginCost[];
  traffic: Partial<Record<'ours' | 'bare', RedisTraffic>>;
  memory: Partial<Record<'memory' | 'redis', MemorySample[]>>;
  /** The memory store's soak server once every sign-in of it expired and was swept. */
  memorySettled: StoreStats | undefined;
  sweepLoad: SweepLoad;
  swept: StoreStats;
  load: LoadResult[];
}

function printTraffic(traffic: Results['traffic']): void {
  for (const kind of ['ours', 'bare'] as const) {
    const t = traffic[kind];
    if (!t) continue;
    heading(`2c. Redis commands per login, ${kind} (${t.logins} logins; "lua": run inside a script, not sent)`);
    console.log(
      table(
        ['per login', 'command and key'],
        t.byPurpose.map(([purpose, perLogin]) => [fixed(perLogin, 2), purpose]),
      ),
    );
    console.log(`sent ${fixed(t.roundTrips, 1)} per login; scripts ran ${fixed(t.scripted, 1)} more`);
  }
}

function memoryRows(store: string, samples: MemorySample[] | undefined, settings: BenchSettings): string[][] {
  if (!samples || samples.length < 2) return [];
  const last = samples.at(-1)!;
  const middle = samples.find((sample) => sample.logins >= settings.memoryLogins / 2) ?? last;
  const growth = last.rssAfterGcMb - middle.rssAfterGcMb;
  const tenK = `${last.logins.toLocaleString('en')} logins`;
  return [
    [
      `${store}: RSS at ${tenK} (as is / after GC)`,
      `${fixed(last.rssMb)} / ${fixed(last.rssAfterGcMb)} MB`,
      '≤ 120 MB',
      yesNo(last.rssAfterGcMb <= 120),
    ],
    [
      `${store}: RSS growth ${middle.logins} → ${last.logins} logins (after GC)`,
      `${fixed(growth)} MB`,
      '< 10 MB (flat)',
      yesNo(growth < 10),
    ],
  ];
}

export function printSummary({
  settings,
  micro,
  contracts,
  loginCost,
  traffic,
  memory,
  memorySettled,
  sweepLoad,
  swept,
  load,
}: Results): void {
  printTraffic(traffic);
  const removed = sweepLoad.before.entries - swept.entries;

  heading('SUMMARY');
  const rows: string[][] = [
    [
      'verifySiwe (parse + all checks + recovery)',
      `${fixed(micro.verifySiweUs)} µs/op`,
      '≤ 100 µs',
      `${yesNo(micro.verifySiweUs <= 100)} (indicative)`,
    ],
    ['verifySiwe / ethers verifyMessage, same run', `${fixed(micro.verifySiweUs / micro.ethersUs, 3)}×`, '', ''],
    ['EOA verifySiwe with / without RPC_URLS', `${fixed(contracts.eoaWithRpcUs / contracts.eoaUs, 3)}×`, 'unchanged (≈ 1.00×)', ''],
    ['RPC requests per EOA login', String(contracts.eoaRpcRequests), '0', yesNo(contracts.eoaRpcRequests === 0)],
    [
      'RPC requests per contract-wallet login',
      fixed(contracts.rpcRequestsPerContractLogin, 2),
      '1',
      yesNo(contracts.rpcRequestsPerContractLogin === 1),
    ],
  ];
  for (const { store, rounds } of loginCost) {
    const bare = summarize(rounds, 'bare');
    const ours = summarize(rounds, 'ours');
    const cpu = medianRatio(rounds);
    rows.push(
      [
        `${store}: server CPU per login, ours / bare (median of ${rounds.length / 2} round pairs)`,
        `${fixed(cpu, 3)}× (pooled: ${fixed(ours.serverCpu, 2)} / ${fixed(bare.serverCpu, 2)} ms)`,
        '≤ 1.10×',
        yesNo(cpu <= 1.1),
      ],
      [
        `${store}: logins/s, ours / bare`,
        `${fixed(ours.perSecond, 0)} / ${fixed(bare.perSecond, 0)} = ${fixed(ours.perSecond / bare.perSecond, 3)}`,
        '',
        '',
      ],
    );
    if (store === 'redis') {
      rows.push([
        `redis: Redis commands per login, ours / bare (INFO commandstats)`,
        `${fixed(ours.redisCommands, 1)} / ${fixed(bare.redisCommands, 1)}`,
        '≤ 20',
        yesNo(ours.redisCommands <= 20),
      ]);
    }
  }
  if (traffic.ours) {
    rows.push([
      'redis: commands sent per login, ours (MONITOR)',
      `${fixed(traffic.ours.roundTrips, 1)} (+ ${fixed(traffic.ours.scripted, 1)} in scripts)`,
      '≤ 20',
      yesNo(traffic.ours.roundTrips <= 20),
    ]);
  }
  rows.push(...memoryRows('redis', memory.redis, settings));
  const first = memory.memory?.[0];
  const last = memory.memory?.at(-1);
  if (first && last && memorySettled) {
    rows.push(
      [
        `memory: V8 heap used, warm-up → ${last.logins.toLocaleString('en')} logins (live sign-ins)`,
        `${fixed(first.heapUsedAfterGcMb)} → ${fixed(last.heapUsedAfterGcMb)} MB`,
        '',
        '',
      ],
      [
        'memory: V8 heap used once they expired (no leak: back to the start)',
        `${fixed(memorySettled.heapUsedMb)} MB (RSS ${fixed(memorySettled.rssMb)} MB)`,
        `< warm-up + 5 MB`,
        yesNo(memorySettled.heapUsedMb < first.heapUsedAfterGcMb + 5),
      ],
    );
  }
  rows.push([
    'memory store entries, loaded → after sweep',
    `${sweepLoad.before.entries} → ${swept.entries}`,
    'expired ones dropped',
    yesNo(removed > 0),
  ]);
  for (const r of load) {
    rows.push(
      [
        `load, ${r.store}: ${r.concurrency} loops × ${r.seconds} s, 5xx`,
        `${r.serverErrors} of ${r.ok + r.failed}`,
        '0',
        yesNo(r.serverErrors === 0),
      ],
      [`load, ${r.store}: logins/s, p50 / p99`, `${fixed(r.loginsPerSecond, 0)}/s, ${fixed(r.p50Ms, 0)} / ${fixed(r.p99Ms, 0)} ms`, '', ''],
      [
        `load, ${r.store}: RSS before → peak → after`,
        `${fixed(r.rssBeforeMb, 0)} → ${fixed(r.rssPeakMb, 0)} → ${fixed(r.rssAfterMb, 0)} MB`,
        '',
        '',
      ],
    );
  }
  console.log(table(['figure', 'value', 'target', 'met?'], rows));
  const failed =
    loginCost.reduce((sum, { rounds }) => sum + rounds.reduce((s, round) => s + round.failed, 0), 0) +
    Object.values(memory).reduce((sum, samples) => sum + (samples ?? []).reduce((s, sample) => s + sample.failed, 0), 0);
  if (failed > 0) console.log(`\nWARNING: ${failed} logins failed; see the rounds above.`);
}
