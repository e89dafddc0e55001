/**
 * Where a login's extra CPU goes: compares two V8 CPU profiles of the same
 * logins (BENCH_CPU_PROF writes one per server: the bare engine's and ours)
 * and sums the difference in sampled busy time, per login, by concern.
 *
 *   npx tsx bench/profile-diff.ts <bare.cpuprofile> <ours.cpuprofile> <logins>
 *
 * `logins`: how many each server served while profiled (warm-up included).
 * Self time is attributed by the file (or native frame) it was sampled in;
 * V8 samples wall time on the main thread, so a busy machine adds noise:
 * read it beside the CPU-time ratio the bench measures from /proc.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Concerns, first match wins; a frame's label is its file (node_modules: the package) or `(native name)`. */
const CONCERNS: ReadonlyArray<readonly [string, RegExp]> = [
  [
    'the proof: EIP-4361 parse, checks, EIP-191 recovery (secp256k1, keccak)',
    /^(src\/siwe\/|nm:secp256k1|nm:keccak|src\/interaction\/sign-in|src\/interaction\/failed-logins)/,
  ],
  ['the challenge: nonce HMAC, single-use marker', /^(src\/interaction\/challenge|node:internal\/crypto\/hash)/],
  [
    'the store and adapter (ours vs the plain adapter)',
    /^(src\/storage\/|nm:keyv|nm:@keyv\/|nm:@redis\/client|nm:cluster-key-slot|bench\/servers\/plain-redis-adapter|nm:oidc-provider\/lib\/(adapters|helpers\/lru))/,
  ],
  ['the sign-in record and client hooks', /^(src\/oidc\/(sign-in-record|client-lifetime|client-index|account)|src\/gates\/)/],
  [
    'abuse limits and route matching',
    /^(nm:rate-limiter-flexible|src\/web\/rate-limiter|src\/oidc\/limited-routes|src\/oidc\/route-matcher)/,
  ],
  [
    'logs, audit event, request id',
    /^(nm:pino|nm:@pinojs|nm:sonic-boom|nm:quick-format-unescaped|nm:fast-redact|src\/log|src\/web\/request-id|src\/interaction\/audit|\(writeUtf8String\))/,
  ],
  ['metrics', /^(nm:prom-client|nm:tdigest|nm:bintrees|src\/metrics\/)/],
  [
    'async context and promise hooks (AsyncLocalStorage), microtasks',
    /^(node:async_hooks|node:internal\/async_hooks|\(runMicrotasks\)|node:internal\/process\/task_queues)/,
  ],
  ['garbage collection', /garbage collector/],
  ['socket writes', /^\((writev|writeBuffer|writeLatin1String|writeUtf8String)\)|^node:internal\/stream_base_commons/],
  [
    'our interaction routes, body reading, pages',
    /^(src\/interaction\/|src\/web\/|src\/cross-device\/|bench\/servers\/bare-routes|nm:@koa\/bodyparser|nm:co-body|nm:raw-body|nm:type-is|nm:ejs)/,
  ],
];
const REST = 'HTTP, Koa, oidc-provider and everything else';

function label(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^file:\/\//, '').replace(/.*\/build\//, '');
  if (file === '') return `(${frame.functionName || 'native'})`;
  const inModules = file.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const parts = file.slice(inModules + 'node_modules/'.length).split('/');
    return `nm:${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}${parts[0] === 'oidc-provider' ? `/${parts.slice(1).join('/')}` : ''}`;
  }
  const local = file.search(/(src|bench)\//);
  return local >= 0 ? file.slice(local) : file;
}

function concernOf(frameLabel: string): string {
  for (const [concern, pattern] of CONCERNS) if (pattern.test(frameLabel)) return concern;
  return REST;
}

/** Busy time (idle and program excluded) by concern, in microseconds. */
function busyByConcern(path: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') return;
    const concern = concernOf(label(frame));
    totals.set(concern, (totals.get(concern) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return totals;
}

function profileDiff(barePath: string, oursPath: string, logins: number): { total: number; rows: [string, number][] } {
  const bare = busyByConcern(barePath);
  const ours = busyByConcern(oursPath);
  const concerns = new Set([...bare.keys(), ...ours.keys()]);
  const rows = [...concerns]
    .map((concern): [string, number] => [concern, ((ours.get(concern) ?? 0) - (bare.get(concern) ?? 0)) / logins])
    .sort((a, b) => b[1] - a[1]);
  return { total: rows.reduce((sum, [, us]) => sum + us, 0), rows };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [bare, ours, logins] = process.argv.slice(2);
  if (!bare || !ours || !logins) {
    console.error('usage: npx tsx bench/profile-diff.ts <bare.cpuprofile> <ours.cpuprofile> <logins>');
    process.exit(2);
  }
  const { total, rows } = profileDiff(bare, ours, Number(logins));
  console.log(`ours − bare, sampled busy time per login: ${total.toFixed(0)} µs`);
  for (const [concern, us] of rows) console.log(`${us.toFixed(0).padStart(6)} µs  ${concern}`);
}
