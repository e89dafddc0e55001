/** The detailed tables and the final figure / value / target / met? table. */
import { fixed, heading, table, yesNo } from './lib/report.js';
import type { BenchSettings } from './lib/settings.js';
import type { ContractWalletResult } from './contract-wallets.js';
import type { MicroResult } from './micro.js';
import type { MemorySample } from './phases/memory.js';
import type { StoreStats, SweepLoad } from './phases/sweep.js';
import type { RoundRecord } from './phases/throughput.js';

export interface Results {
  settings: BenchSettings;
  micro: MicroResult;
  contracts: ContractWalletResult;
  rounds: RoundRecord[];
  memory: MemorySample[];
  sweepLoad: SweepLoad;
  swept: StoreStats;
}

function aggregate(rounds: RoundRecord[], name: RoundRecord['target']) {
  const mine = rounds.filter((round) => round.target === name);
  const ok = mine.reduce((sum, round) => sum + round.ok, 0);
  const seconds = mine.reduce((sum, round) => sum + round.elapsedMs, 0) / 1000;
  const weighted = (pick: (round: RoundRecord) => number) => mine.reduce((sum, round) => sum + pick(round) * round.ok, 0) / Math.max(1, ok);
  return {
    perSecond: ok / seconds,
    serverCpu: weighted((round) => round.serverCpuMsPerLogin),
    redisCommands: weighted((round) => round.redisCommandsPerLogin),
    redisCpu: mine.some((round) => round.redisCpuMsPerLogin === null) ? Number.NaN : weighted((round) => round.redisCpuMsPerLogin ?? 0),
    driverBusy: mine.reduce((sum, round) => sum + round.driverCpuMs, 0) / 1000 / seconds,
    p50: weighted((round) => round.p50Ms),
    failed: mine.reduce((sum, round) => sum + round.failed, 0),
  };
}

function pairRatios(rounds: RoundRecord[]): number[] {
  const bare = rounds.filter((round) => round.target === 'bare');
  const ours = rounds.filter((round) => round.target === 'ours');
  return ours.map((round, i) => round.loginsPerSecond / (bare[i]?.loginsPerSecond ?? Number.NaN));
}

export function printSummary({ settings, micro, contracts, rounds, memory, sweepLoad, swept }: Results): void {
  const bare = aggregate(rounds, 'bare');
  const ours = aggregate(rounds, 'ours');
  const pairs = pairRatios(rounds);
  const throughputRatio = ours.perSecond / bare.perSecond;
  const cpuRatio = ours.serverCpu / bare.serverCpu;

  heading('2. Throughput detail (all measured rounds)');
  console.log(
    table(
      ['server', 'logins/s', 'server CPU ms/login', 'Redis commands/login', 'Redis CPU ms/login', 'driver CPU busy', 'p50 ms', 'failed'],
      [bare, ours].map((a, i) => [
        i === 0 ? 'bare' : 'ours',
        fixed(a.perSecond),
        fixed(a.serverCpu, 2),
        fixed(a.redisCommands, 1),
        fixed(a.redisCpu, 2),
        `${fixed(a.driverBusy * 100, 0)} %`,
        fixed(a.p50, 0),
        String(a.failed),
      ]),
    ),
  );
  console.log(`ours/bare per round pair: ${pairs.map((ratio) => fixed(ratio, 3)).join(', ')}`);

  const last = memory.at(-1)!;
  const middle = memory.find((sample) => sample.logins >= settings.memoryLogins / 2) ?? last;
  const growth = last.rssMb - middle.rssMb;
  const growthAfterGc = last.rssAfterGcMb - middle.rssAfterGcMb;
  const removed = sweepLoad.before.entries - swept.entries;
  const leftPerLogin = swept.entries / Math.max(1, sweepLoad.completed);

  heading('3b. Memory store detail');
  console.log(
    table(
      ['', 'entries', 'heap after GC MB', 'RSS MB'],
      [
        [
          `loaded (${sweepLoad.completed} completed + ${sweepLoad.abandoned} abandoned)`,
          String(sweepLoad.before.entries),
          fixed(sweepLoad.before.heapUsedMb),
          fixed(sweepLoad.before.rssMb),
        ],
        ['after TTLs + sweep', String(swept.entries), fixed(swept.heapUsedMb), fixed(swept.rssMb)],
      ],
    ),
  );
  console.log(
    `dropped ${removed} entries; ${fixed(leftPerLogin, 2)} per completed login remain (session + uid index, grant + grant index, access token: 14 d / 1 h TTLs)`,
  );

  const tenK = `${last.logins.toLocaleString('en')} logins`;
  heading('SUMMARY');
  console.log(
    table(
      ['figure', 'value', 'target', 'met?'],
      [
        [
          'verifySiwe (parse + all checks + recovery)',
          `${fixed(micro.verifySiweUs)} µs/op`,
          '≤ 100 µs',
          `${yesNo(micro.verifySiweUs <= 100)} (absolute time: indicative only)`,
        ],
        ['ethers verifyMessage (baseline, same run)', `${fixed(micro.ethersUs)} µs/op`, '', ''],
        ['verifySiwe / ethers verifyMessage', `${fixed(micro.verifySiweUs / micro.ethersUs, 3)}×`, '', ''],
        ['EOA verifySiwe with / without RPC_URLS', `${fixed(contracts.eoaWithRpcUs / contracts.eoaUs, 3)}×`, 'unchanged (≈ 1.00×)', ''],
        ['RPC requests per EOA login', String(contracts.eoaRpcRequests), '0', yesNo(contracts.eoaRpcRequests === 0)],
        ['contract-wallet verification, Safe ERC-1271 (anvil)', `${fixed(contracts.eip1271Ms, 2)} ms`, '', ''],
        ['contract-wallet verification, counterfactual ERC-6492 (anvil)', `${fixed(contracts.eip6492Ms, 2)} ms`, '', ''],
        [
          'RPC requests per contract-wallet login',
          fixed(contracts.rpcRequestsPerContractLogin, 2),
          '1',
          yesNo(contracts.rpcRequestsPerContractLogin === 1),
        ],
        ['logins/s, bare engine', fixed(bare.perSecond), '', ''],
        ['logins/s, ours', fixed(ours.perSecond), '', ''],
        ['throughput ours / bare', fixed(throughputRatio, 3), '≥ 0.90', yesNo(throughputRatio >= 0.9)],
        ['server CPU per login ours / bare', `${fixed(cpuRatio, 3)}×`, '≤ 1.10×', yesNo(cpuRatio <= 1.1)],
        [`RSS at ${tenK} (as is)`, `${fixed(last.rssMb)} MB`, '≤ 120 MB', yesNo(last.rssMb <= 120)],
        [`RSS at ${tenK} (after forced GC)`, `${fixed(last.rssAfterGcMb)} MB`, '≤ 120 MB', yesNo(last.rssAfterGcMb <= 120)],
        [`RSS growth ${middle.logins} → ${last.logins} (as is)`, `${fixed(growth)} MB`, '< 10 MB', yesNo(growth < 10)],
        [`RSS growth ${middle.logins} → ${last.logins} (after GC)`, `${fixed(growthAfterGc)} MB`, '< 10 MB', yesNo(growthAfterGc < 10)],
        [
          'memory store entries, loaded → after sweep',
          `${sweepLoad.before.entries} → ${swept.entries}`,
          'expired ones dropped',
          yesNo(removed > 0),
        ],
      ],
    ),
  );
  const failed = bare.failed + ours.failed + memory.reduce((sum, sample) => sum + sample.failed, 0);
  if (failed > 0) console.log(`\nWARNING: ${failed} logins failed; see the rounds above.`);
}
