/**
 * What waiting desktop pages of cross-device sign-in cost the server: N
 * desktops (default 1,000) each start a sign-in, show the phone's QR code and
 * open the event stream that waits for the phone (GET …/cross-device/events),
 * against one server run as `npm start` runs it (compiled, production
 * settings). Reported: the server's RSS before and with the pages waiting
 * (after a full GC each time) and so the memory per waiting page; the server's
 * CPU per second while they wait, over a window (default 65 s) long enough for
 * every stream to end once and reconnect (streams last 60 s), as EventSource
 * does; and, with every page waiting, how long after the phone sends its
 * signature (verified, recorded, announced) the desktop hears of it.
 *
 *   npx tsx bench/waiting-pages.ts [--pages 1000] [--idle 65] [--redis]
 *
 * --redis: the store on Redis (REDIS_URL or redis://127.0.0.1:6379, a private namespace, deleted after).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Wallet } from 'ethers';
import { killChildrenOnExit } from './lib/children.js';
import { prepareServers } from './lib/compile.js';
import { CookieJar } from './lib/cookie-jar.js';
import { send } from './lib/http.js';
import { authorizeUrl } from './lib/login.js';
import { cpuMs, rssMb } from './lib/proc.js';
import { deleteKeys } from './lib/redis-namespace.js';
import { startBenchServer } from './lib/servers.js';
import { writeBenchFiles } from './lib/setup.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '1000' },
    idle: { type: 'string', default: '65' },
    redis: { type: 'boolean', default: false },
    latency: { type: 'string', default: '20' },
  },
});
const PAGES = Number(values.pages);
const IDLE_SECONDS = Number(values.idle);
const LATENCY_SAMPLES = Math.min(Number(values.latency), PAGES);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Desktop {
  jar: CookieJar;
  uid: string;
  handle: string;
}

/** One desktop: /auth → its interaction (and cookie) → the phone's link. */
async function startDesktop(agent: Agent, base: URL): Promise<Desktop> {
  const jar = new CookieJar();
  const auth = authorizeUrl(base, randomBytes(8).toString('hex'), randomBytes(32).toString('base64url'));
  const started = await send(agent, jar, auth);
  const uid = /^\/interaction\/([^/?]+)$/.exec(new URL(started.location ?? '', base).pathname)?.[1];
  if (started.status !== 303 || !uid) throw new Error(`/auth: HTTP ${started.status} ${started.body.slice(0, 200)}`);
  const shown = await send(agent, jar, new URL(`/interaction/${uid}/cross-device`, base), {
    method: 'POST',
    headers: { accept: 'application/json' },
  });
  if (shown.status !== 200) throw new Error(`cross-device: HTTP ${shown.status} ${shown.body.slice(0, 200)}`);
  const link = (JSON.parse(shown.body) as { link: string }).link;
  return { jar, uid, handle: link.slice(link.lastIndexOf('/') + 1) };
}

/** A waiting page: an event stream that reconnects when the server ends it, as EventSource does, until `proof`. */
class WaitingPage {
  connects = 0;
  #proofAt: ((at: number) => void) | undefined;
  readonly proof: Promise<number>;
  #closed = false;
  #request: ReturnType<typeof request> | undefined;

  constructor(
    readonly desktop: Desktop,
    readonly base: URL,
  ) {
    this.proof = new Promise((resolve) => {
      this.#proofAt = resolve;
    });
  }

  /** Resolves once the stream's answer (200) is in. */
  open(): Promise<void> {
    const path = `/interaction/${this.desktop.uid}/cross-device/events`;
    return new Promise((resolve, reject) => {
      this.connects += 1;
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      const cookie = this.desktop.jar.header(path);
      if (cookie) headers.cookie = cookie;
      // One socket per stream, as browsers give each EventSource (no pooling).
      const outgoing = request(new URL(path, this.base), { agent: false, headers }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`events: HTTP ${response.statusCode}`));
          response.resume();
          return;
        }
        resolve();
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (chunk.includes('event: proof')) {
            this.#closed = true;
            this.#proofAt?.(performance.now());
          }
        });
        response.on('close', () => {
          if (!this.#closed) setTimeout(() => this.open().catch(() => undefined), 1000);
        });
      });
      outgoing.on('error', (error) => (this.#closed ? undefined : reject(error)));
      outgoing.end();
      this.#request = outgoing;
    });
  }

  close(): void {
    this.#closed = true;
    this.#request?.destroy();
  }
}

/** The phone: the message for its account, signed, posted; resolves, once recorded, with when the signature was sent. */
async function phoneSigns(agent: Agent, base: URL, handle: string): Promise<number> {
  const wallet = Wallet.createRandom();
  const jar = new CookieJar();
  const built = await send(agent, jar, new URL(`/sign/${handle}/message?address=${wallet.address}&chainId=1`, base), {
    headers: { accept: 'application/json' },
  });
  const { message } = JSON.parse(built.body) as { message: string };
  const signature = await wallet.signMessage(message);
  const sentAt = performance.now();
  const signed = await send(agent, jar, new URL(`/sign/${handle}`, base), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ message, signature }),
  });
  if (signed.status !== 200) throw new Error(`sign: HTTP ${signed.status} ${signed.body.slice(0, 200)}`);
  return sentAt;
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

const mb = (value: number) => `${value.toFixed(1)} MB`;

async function main(): Promise<void> {
  const files = await writeBenchFiles();
  const temp = await mkdtemp(join(tmpdir(), 'siwe-idp-waiting-'));
  const namespace = `bench-waiting-${randomBytes(4).toString('hex')}`;
  let stopServer: (() => Promise<void>) | undefined;
  killChildrenOnExit(async () => {
    await stopServer?.();
    await files.remove();
    await rm(temp, { recursive: true, force: true });
  });
  try {
    const runtime = await prepareServers(temp);
    const env = {
      ...files.env,
      RATE_LIMITS: `${files.env.RATE_LIMITS},cross_device=1000000/second`,
      CROSS_DEVICE_MAX_WAITING: String(PAGES + 10),
      INTERACTION_TTL: '3600',
      ...(values.redis ? { REDIS_URL, BENCH_NAMESPACE: namespace } : {}),
    };
    const server = await startBenchServer(runtime, 'ours', 'waiting-pages', env, ['--expose-gc']);
    stopServer = () => server.child.stop();
    const base = new URL(server.base);
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    // A full GC, then RSS (what the OS sees) and the JavaScript heap plus buffers (what the pages hold, without
    // the heap space earlier work left allocated).
    let heapMb = 0;
    const gcRss = async () => {
      const { memory } = await server.child.call<{ memory: NodeJS.MemoryUsage }>({ type: 'gc' });
      heapMb = (memory.heapUsed + memory.external) / 1024 / 1024;
      await sleep(200);
      return rssMb(server.child.pid);
    };

    process.stderr.write(`${runtime.note}\nstarting ${PAGES} sign-ins and their QR codes…\n`);
    const desktops = await inBatches(
      Array.from({ length: PAGES }, (_, i) => i),
      20,
      () => startDesktop(agent, base),
    );
    const rssBefore = await gcRss();
    const heapBefore = heapMb;

    process.stderr.write(`opening ${PAGES} waiting pages…\n`);
    const pages = desktops.map((desktop) => new WaitingPage(desktop, base));
    await inBatches(pages, 50, (page) => page.open());
    await sleep(2000);
    const rssWaiting = await gcRss();
    const heapWaiting = heapMb;

    process.stderr.write(`idle for ${IDLE_SECONDS} s with every page waiting…\n`);
    const connectsBefore = pages.reduce((sum, page) => sum + page.connects, 0);
    const cpuStart = cpuMs(server.child.pid);
    const idleStart = performance.now();
    await sleep(IDLE_SECONDS * 1000);
    const cpuIdle = cpuMs(server.child.pid) - cpuStart;
    const idleSeconds = (performance.now() - idleStart) / 1000;
    const reconnects = pages.reduce((sum, page) => sum + page.connects, 0) - connectsBefore;
    const rssAfterIdle = rssMb(server.child.pid);

    process.stderr.write(`${LATENCY_SAMPLES} phones sign while every page waits…\n`);
    const latencies: number[] = [];
    for (const page of pages.slice(0, LATENCY_SAMPLES)) {
      const signedAt = await phoneSigns(agent, base, page.desktop.handle);
      latencies.push((await page.proof) - signedAt);
    }
    latencies.sort((a, b) => a - b);
    for (const page of pages) page.close();
    agent.destroy();

    const perPageKb = ((rssWaiting - rssBefore) * 1024) / PAGES;
    const heapPerPageKb = ((heapWaiting - heapBefore) * 1024) / PAGES;
    const report = {
      store: values.redis ? 'redis' : 'memory',
      pages: PAGES,
      rssBeforeMb: Number(rssBefore.toFixed(1)),
      rssWaitingMb: Number(rssWaiting.toFixed(1)),
      rssAfterIdleMb: Number(rssAfterIdle.toFixed(1)),
      rssPerWaitingPageKb: Number(perPageKb.toFixed(1)),
      heapBeforeMb: Number(heapBefore.toFixed(1)),
      heapWaitingMb: Number(heapWaiting.toFixed(1)),
      heapPerWaitingPageKb: Number(heapPerPageKb.toFixed(1)),
      idleSeconds: Number(idleSeconds.toFixed(1)),
      idleCpuMsPerSecond: Number((cpuIdle / idleSeconds).toFixed(1)),
      idleCpuPercentOfOneCore: Number(((cpuIdle / idleSeconds / 1000) * 100).toFixed(2)),
      reconnectsDuringIdle: reconnects,
      proofToDesktopMs: {
        median: Number(latencies[Math.floor(latencies.length / 2)]?.toFixed(1)),
        max: Number(latencies.at(-1)?.toFixed(1)),
      },
    };
    process.stdout.write(
      [
        `| store | waiting pages | RSS before | RSS waiting | RSS per page | heap + buffers per page | idle CPU | reconnects in ${Math.round(idleSeconds)} s | signature sent → desktop hears (median / max) |`,
        '|---|---|---|---|---|---|---|---|---|',
        `| ${report.store} | ${PAGES} | ${mb(rssBefore)} | ${mb(rssWaiting)} | ${perPageKb.toFixed(1)} KB | ${heapPerPageKb.toFixed(1)} KB | ${report.idleCpuMsPerSecond} ms/s (${report.idleCpuPercentOfOneCore} % of a core) | ${reconnects} | ${report.proofToDesktopMs.median} / ${report.proofToDesktopMs.max} ms |`,
        '',
        JSON.stringify(report),
        '',
      ].join('\n'),
    );
  } finally {
    await stopServer?.();
    if (values.redis) await deleteKeys(REDIS_URL, `${namespace}::`).catch(() => undefined);
    await files.remove();
    await rm(temp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
