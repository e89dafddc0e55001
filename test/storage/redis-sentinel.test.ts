/**
 * The store on a master found through Sentinel (REDIS_SENTINELS): a master, a
 * replica and three Sentinels from Debian's redis-server and redis-sentinel,
 * on free ports. Two server instances share it.
 *
 *   - Logins and code exchanges run without pause while the master is
 *     SIGKILLed, with a burst of signed messages and codes sent right across
 *     the kill. During the switch logins fail closed (503, never a 500, no
 *     login completes); they resume within 15 s; then every signed message
 *     and every code is replayed to both instances: none is ever accepted
 *     twice.
 *   - Why WAIT: the replica's link is cut just before the master dies, so
 *     the replica promoted lacks the last writes. With REDIS_WAIT_REPLICAS=0
 *     the nonces and codes used in that window are accepted a second time
 *     after the switch (the hazard, shown); with the default 1 they were
 *     never accepted in the first place (503), and nothing is accepted twice.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { generateJwks } from '../../src/config/keys.js';
import { readConfig } from '../../src/config/env.js';
import type { RedisSettings } from '../../src/storage/redis-topology.js';
import { createStore, StoreUnavailableError } from '../../src/storage/store.js';
import {
  type Agent,
  type AuthRequest,
  authorizeUrl,
  exchangeCode,
  follow,
  messageFor,
  newAuthRequest,
  postLogin,
} from '../support/flow.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { outputOf } from '../support/redis-server.js';
import { MEMORY_ONLY, sleep } from '../support/storage-backends.js';
import {
  newNamespace,
  redisCommand,
  type SentinelGroupHandle,
  startAppOn,
  startSentinelGroup,
  type TestApp,
  waitFor,
} from '../support/redis-topologies.js';
import { FIRST_PARTY } from '../support/test-clients.js';

const RATE_LIMITS = 'auth=10000/minute,token=10000/minute,login=10000/minute,session_end=10000/minute,address=10000/minute';
const WORKERS = 6;
/** Logins half done when the master is killed: half about to send their signed message, half about to exchange their code. */
const BURST = 24;
const RESUME_WITHIN_MS = 15_000;
/** A failed step, as a client sees it: a refusal (503 during the outage, a 4xx for a sign-in whose state was lost). */
const REFUSAL = /^((authorize|interaction|login|resume|token) (503|4\d\d)\b|authorize 303 temporarily_unavailable$)/;

/** One signed message, as sent: replayed later with the same browser (cookies). */
interface SignedLogin {
  agent: Agent;
  request: AuthRequest;
  /** The instance the browser used; the replays go to both. */
  app: TestApp;
  uid: string;
  message: string;
  signature: string;
  /** 200s it got: must end at most 1. */
  accepted: number;
}

/** One code, as the RP received it: replayed later. */
interface IssuedCode {
  callback: URL;
  request: AuthRequest;
  /** 200s it got: must end at most 1. */
  accepted: number;
}

interface Attempt {
  started: number;
  ended: number;
  /** 'ok': a whole login (signed message accepted, code exchanged for tokens); else the failing step and its status. */
  outcome: string;
}

/** Every signed message and code a test handed out, to replay them all. */
class Ledger {
  readonly signed: SignedLogin[] = [];
  readonly codes: IssuedCode[] = [];

  /** An interaction on `app`, up to a signed message not yet sent (or the failing step). */
  async sign(app: TestApp): Promise<SignedLogin | string> {
    const agent = supertest.agent(app.direct);
    const request = newAuthRequest(FIRST_PARTY.client_id);
    const start = await agent.get(authorizeUrl(request)).redirects(0);
    const uid = /\/interaction\/([^/?]+)/.exec(start.headers.location ?? '')?.[1];
    if (start.status !== 303) return `authorize ${start.status}`;
    // Sent back to the relying party: with the error it says (the store failed after the rate limit counted).
    if (uid === undefined)
      return `authorize ${start.status} ${new URL(start.headers.location ?? '', app.direct).searchParams.get('error')}`;
    const view = await agent.get(`/interaction/${uid}`).set('Accept', 'application/json');
    if (view.status !== 200) return `interaction ${view.status}`;
    const wallet = Wallet.createRandom();
    const message = messageFor(view.body, wallet.address);
    const entry: SignedLogin = { agent, app, uid, request, message, signature: await wallet.signMessage(message), accepted: 0 };
    this.signed.push(entry);
    return entry;
  }

  /** Sends the signed message and follows on to the RP's callback: its code (or the failing step). */
  async send(entry: SignedLogin): Promise<IssuedCode | string> {
    const posted = await postLogin(entry.agent, entry.uid, entry.message, entry.signature);
    if (posted.status !== 200) return `login ${posted.status} ${posted.body?.error ?? ''}`;
    entry.accepted++;
    let callback: URL;
    try {
      callback = await follow(entry.agent, posted.body.redirectTo);
    } catch (error) {
      return `resume ${/got (\d+)/.exec(String(error))?.[1] ?? String(error)}`;
    }
    if (!callback.searchParams.get('code')) return `callback ${callback.search}`;
    const issued: IssuedCode = { callback, request: entry.request, accepted: 0 };
    this.codes.push(issued);
    return issued;
  }

  /** The RP's token request on `app`: 'ok' or the failure. */
  async exchange(issued: IssuedCode, app: TestApp): Promise<string> {
    const tokens = await exchangeCode(supertest.agent(app.direct), FIRST_PARTY, issued.callback, issued.request);
    if (tokens.status !== 200) return `token ${tokens.status} ${tokens.body?.error ?? ''}`;
    issued.accepted++;
    return 'ok';
  }

  /** One whole login on `browserApp`, its code exchanged on `rpApp`. */
  async login(browserApp: TestApp, rpApp: TestApp): Promise<string> {
    const entry = await this.sign(browserApp);
    if (typeof entry === 'string') return entry;
    const issued = await this.send(entry);
    if (typeof issued === 'string') return issued;
    return this.exchange(issued, rpApp);
  }

  /** `count` logins half done: half with a signed message not yet sent, half with a code not yet exchanged. */
  async prepare(apps: TestApp[], count: number): Promise<{ ready: SignedLogin[]; issued: IssuedCode[] }> {
    const ready: SignedLogin[] = [];
    const issued: IssuedCode[] = [];
    for (let i = 0; i < count; i++) {
      const entry = await this.sign(apps[i % 2]!);
      assert.ok(typeof entry !== 'string', entry as string);
      if (i % 2 === 0) {
        ready.push(entry);
        continue;
      }
      const code = await this.send(entry);
      assert.ok(typeof code !== 'string', code as string);
      issued.push(code);
    }
    return { ready, issued };
  }

  /** Sends every signed message again to both instances, and exchanges every code again; returns how many were accepted twice. */
  async replayAll(a: TestApp, b: TestApp): Promise<{ messages: number; codes: number }> {
    for (const entry of this.signed) {
      const other = entry.app === a ? b : a;
      const replay = await supertest(other.direct)
        .post(`/interaction/${entry.uid}/login`)
        .set('Cookie', cookieOf(entry.agent, entry.app, entry.uid))
        .set('Accept', 'application/json')
        .send({ message: entry.message, signature: entry.signature });
      if (replay.status === 200) entry.accepted++;
      const again = await postLogin(entry.agent, entry.uid, entry.message, entry.signature);
      if (again.status === 200) entry.accepted++;
    }
    for (const [index, issued] of this.codes.entries()) {
      if ((await this.exchange(issued, index % 2 === 0 ? a : b)) === 'ok') continue;
    }
    return {
      messages: this.signed.filter(({ accepted }) => accepted > 1).length,
      codes: this.codes.filter(({ accepted }) => accepted > 1).length,
    };
  }
}

/** "<step> <status>" of an outcome ("token 200" for a code exchanged, "login 200" for a message accepted). */
function label(outcome: string | IssuedCode): string {
  if (typeof outcome !== 'string') return 'login 200';
  if (outcome === 'ok') return 'token 200';
  return /^authorize 303 \w+$|^\w+ \d{3}/.exec(outcome)?.[0] ?? outcome;
}

function tally(labels: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of labels) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

(MEMORY_ONLY ? describe.skip : describe)('Redis Sentinel (a master, a replica, 3 Sentinels)', function () {
  this.timeout(60_000);

  let group: SentinelGroupHandle;
  let redis: RedisSettings;
  let logs: LogCapture;
  const shared = async () => ({ jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace: newNamespace() });

  /** Two instances on the Sentinels' master (REDIS_WAIT_REPLICAS as given). */
  async function startPair(waitReplicas = redis.waitReplicas): Promise<[TestApp, TestApp]> {
    const secrets = await shared();
    const settings = { ...redis, waitReplicas };
    const a = await startAppOn(settings, secrets, { env: { RATE_LIMITS } });
    const b = await startAppOn(settings, secrets, { env: { RATE_LIMITS }, issuer: a.issuer });
    return [a, b];
  }

  /** The ports of the master and the replica now. */
  async function roles(): Promise<{ master: number; replica: number }> {
    const master = await group.masterPort();
    const replica = group.dataPorts.find((port) => port !== master)!;
    return { master, replica };
  }

  /** The data nodes' replication, each Sentinel's master and its failover events: for a failure message. */
  async function describeGroup(): Promise<string> {
    const nodes = await Promise.all(
      group.dataPorts.map(
        async (port) => `${port}: ${String(await redisCommand(port, ['INFO', 'replication']).catch(String)).replace(/\r?\n/g, ' ')}`,
      ),
    );
    const sentinels = await Promise.all(
      group.sentinels.map(async ({ port }) => {
        const master = await redisCommand(port, ['SENTINEL', 'get-master-addr-by-name', group.name]).catch(String);
        const events = outputOf(group.processes.get(port))
          .split('\n')
          .filter((line) => /[+-](switch|failover|convert|sdown|odown|elected|promoted|selected|try|new-epoch|vote|fix)/.test(line));
        return `--- Sentinel ${port}: master ${JSON.stringify(master)}\n${events.join('\n')}`;
      }),
    );
    return [...nodes, ...sentinels].join('\n');
  }

  /** Waits until the Sentinels agree on a master whose replica is online and in sync (`note`: for a failure message). */
  async function settled(note: string): Promise<void> {
    await waitFor(
      'the Sentinels to agree on a master with its replica in sync',
      async () => {
        const agreed = await group.agreedMasterPort();
        if (agreed === undefined) return false;
        const replica = group.dataPorts.find((port) => port !== agreed)!;
        const [ofMaster, ofReplica] = await Promise.all(
          [agreed, replica].map(async (port) => String(await redisCommand(port, ['INFO', 'replication']))),
        );
        return /role:master/.test(ofMaster!) && /slave0:[^\r\n]*state=online/.test(ofMaster!) && /master_link_status:up/.test(ofReplica!);
      },
      30_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message} (${note})\n${await describeGroup()}`);
    });
  }

  /** Kills the master, waits for the Sentinels' switch, brings the killed node back as the new master's replica. */
  async function failover(master: number): Promise<{ switched: number; synced: number }> {
    await group.kill(master);
    await waitFor('a Sentinel to promote the replica', async () => (await group.masterPort()) !== master, 20_000);
    const switched = performance.now();
    // The failed node comes back, empty, as the new master's replica (what its supervisor or operator does once the
    // switch is done): until then no used nonce or code can be made durable, and logins fail closed. Only once every
    // Sentinel knows the new master: one that does not yet may take the returning node for the master it knew, and
    // fail over back to it (seen: then the new master has no replica for another 10 s, and logins wait as long).
    let newMaster: number | undefined;
    await waitFor('every Sentinel to know the new master', async () => {
      newMaster = await group.agreedMasterPort();
      return newMaster !== undefined && newMaster !== master;
    });
    await group.startReplica(master, newMaster!);
    // Settled: the Sentinels agree on a master that has its replica in sync. (Not necessarily newMaster: on a busy
    // machine a Sentinel may still fail over once more; the topology then settles the other way round.)
    await settled(`new master ${newMaster}`);
    return { switched, synced: performance.now() };
  }

  before(async () => {
    group = await startSentinelGroup();
    const config = readConfig({
      REDIS_SENTINELS: group.sentinels.map(({ host, port }) => `${host}:${port}`).join(','),
      REDIS_SENTINEL_NAME: group.name,
    });
    assert.ok(config.redis);
    redis = config.redis;
    assert.equal(redis.waitReplicas, 1, 'with Sentinels, a replica acknowledges each used nonce and code by default');
    logs = captureLogs('info');
  });

  after(async () => {
    logs?.restore();
    await group?.stop();
  });

  it('every store operation works through the Sentinels', async () => {
    const store = await createStore({ redis, namespace: `test-sentinel-${randomUUID()}` });
    try {
      await store.set('k', { v: 1 }, 60_000);
      assert.deepEqual(await store.get('k'), { v: 1 });
      assert.equal(await store.setIfAbsent('marker', 1, 60_000), true);
      assert.equal(await store.setIfAbsent('marker', 1, 60_000), false);
      assert.equal(await store.refreshTtl('k', 60_000), true);
      await store.addToSet('set', 'a', 60_000);
      assert.deepEqual(await store.members('set'), ['a']);
      await store.removeFromSet('set', 'a');
      assert.equal(await store.increment('count', 60_000), 1);
      assert.deepEqual(await store.take('k'), { v: 1 });
      await store.delete('marker');
      await store.ping();
      // The marker was on the replica before setIfAbsent said true.
      const { replica } = await roles();
      assert.ok(Number(await redisCommand(replica, ['DBSIZE'])) > 0);
    } finally {
      await store.close();
    }
  });

  it('the master is killed under traffic: logins fail closed, resume within 15 s, and nothing is accepted twice', async () => {
    const [a, b] = await startPair();
    const apps = [a, b];
    const ledger = new Ledger();
    const attempts: Attempt[] = [];
    let stop = false;
    const worker = async (index: number) => {
      while (!stop) {
        const started = performance.now();
        const outcome = await ledger.login(apps[index % 2]!, apps[(index + 1) % 2]!).catch((error: unknown) => `threw ${String(error)}`);
        attempts.push({ started, ended: performance.now(), outcome });
        if (outcome !== 'ok') await sleep(20);
      }
    };
    /** Whole logins started after `since`. */
    const successesSince = (since: number) => attempts.filter(({ started, outcome }) => started > since && outcome === 'ok').length;
    const workers = Array.from({ length: WORKERS }, (_, index) => worker(index));
    try {
      await waitFor('logins before the kill', async () => successesSince(0) >= 12, 20_000);
      const { master } = await roles();
      // A burst across the kill: signed messages sent and codes exchanged 10 ms apart, the master killed half way.
      const { ready, issued } = await ledger.prepare(apps, BURST);
      const burst = Promise.all([
        ...ready.map(async (entry, i) => {
          await sleep(i * 20);
          return ledger.send(entry).catch(String);
        }),
        ...issued.map(async (code, i) => {
          await sleep(i * 20 + 10);
          return ledger.exchange(code, apps[i % 2]!).catch(String);
        }),
      ]);
      await sleep(BURST * 5);
      const killedAt = performance.now();
      const { switched, synced } = await failover(master);
      const burstOutcomes = await burst;

      await waitFor('logins to resume', async () => successesSince(killedAt) >= 1, RESUME_WITHIN_MS);
      // The end of the first whole login started after the kill.
      const resumedAt = Math.min(
        ...attempts.filter(({ started, outcome }) => started > killedAt && outcome === 'ok').map(({ ended }) => ended),
      );
      await waitFor('a few more logins', async () => successesSince(resumedAt) >= 12, 20_000);
      stop = true;
      await Promise.all(workers);

      // Fail closed: no login started after the kill completed before resumedAt (by its definition), and every
      // failure is a refusal the client sees (503 temporarily_unavailable, or a 4xx for lost sign-in state), never a 500.
      const failures = attempts.filter(({ outcome }) => outcome !== 'ok').map(({ outcome }) => outcome);
      const burstFailures = burstOutcomes.filter((outcome): outcome is string => typeof outcome === 'string' && outcome !== 'ok');
      for (const outcome of [...failures, ...burstFailures]) assert.match(outcome, REFUSAL, `a failure that is not a refusal: ${outcome}`);
      assert.ok(
        attempts.some(({ started, outcome }) => started > killedAt && / 503\b/.test(outcome)),
        'the switch was seen: 503s',
      );
      assert.ok(resumedAt - killedAt < RESUME_WITHIN_MS, `resumed ${Math.round(resumedAt - killedAt)} ms after the kill`);

      const twice = await ledger.replayAll(a, b);
      assert.deepEqual(twice, { messages: 0, codes: 0 }, 'accepted more than once');
      // Nothing in the logs but the outage.
      const errors = logs.lines().filter((line) => line.level === 'error' || line.level === 'fatal');
      assert.deepEqual(
        errors.filter((line) => !/temporarily|unavailable|redis store/i.test(JSON.stringify(line))),
        [],
      );
      console.log(
        `      kill → Sentinels' switch ${Math.round(switched - killedAt)} ms, replica back in sync ${Math.round(synced - killedAt)} ms, ` +
          `first whole login ${Math.round(resumedAt - killedAt)} ms; ${attempts.length} attempts, ${successesSince(0)} whole logins, ` +
          `failures ${JSON.stringify(tally(failures.map(label)))}; burst across the kill ${JSON.stringify(tally(burstOutcomes.map(label)))}; ` +
          `replayed ${ledger.signed.length} signed messages and ${ledger.codes.length} codes: none accepted twice`,
      );
    } finally {
      stop = true;
      await Promise.allSettled(workers);
      await a.close();
      await b.close();
    }
  });

  describe('the replica cut off just before the master dies (it is promoted without the last writes)', () => {
    /**
     * Half-done logins; then the replica's link is cut (and its reconnection refused), the signed messages are
     * sent and the codes exchanged, the master is killed and the replica promoted; then everything is replayed.
     */
    async function cutOffAndReplay(waitReplicas: number) {
      // Whatever an earlier test left: a master with its replica in sync (with WAIT, logins need one to prepare).
      await settled('before preparing');
      const [a, b] = await startPair(waitReplicas);
      const ledger = new Ledger();
      try {
        const { ready, issued } = await ledger.prepare([a, b], 12);
        const { master, replica } = await roles();
        await waitFor('the replica to hold everything so far', async () => {
          const offset = (port: number, field: string) =>
            redisCommand(port, ['INFO', 'replication']).then((info) => new RegExp(`${field}:(\\d+)`).exec(String(info))?.[1]);
          return (await offset(master, 'master_repl_offset')) === (await offset(replica, 'slave_repl_offset'));
        });
        await redisCommand(replica, ['CONFIG', 'SET', 'masterauth', 'refused']);
        await redisCommand(master, ['CLIENT', 'KILL', 'TYPE', 'replica']);
        const outcomes = await Promise.all([
          ...ready.map((entry) => ledger.send(entry)),
          ...issued.map((code, i) => ledger.exchange(code, i % 2 === 0 ? a : b)),
        ]);
        await redisCommand(replica, ['CONFIG', 'SET', 'masterauth', '']);
        await failover(master);
        await waitFor('the instances to serve again', async () => (await supertest(a.direct).get('/readyz')).status === 200);
        return { outcomes: tally(outcomes.map(label)), twice: await ledger.replayAll(a, b) };
      } finally {
        await a.close();
        await b.close();
      }
    }

    it('with REDIS_WAIT_REPLICAS=0, nonces and codes used then are accepted again after the switch (the hazard)', async () => {
      const { outcomes, twice } = await cutOffAndReplay(0);
      assert.deepEqual(outcomes, { 'login 200': 6, 'token 200': 6 }, 'accepted by the master alone');
      assert.ok(twice.messages > 0 && twice.codes > 0, `accepted twice: ${JSON.stringify(twice)}`);
      console.log(`      accepted twice: ${twice.messages} of 6 signed messages, ${twice.codes} of 6 codes`);
    });

    it('with the default REDIS_WAIT_REPLICAS=1 they fail closed then (503), and nothing is accepted twice', async () => {
      const { outcomes, twice } = await cutOffAndReplay(1);
      assert.deepEqual(outcomes, { 'login 503': 6, 'token 503': 6 }, 'no replica acknowledged: refused');
      assert.deepEqual(twice, { messages: 0, codes: 0 });
    });
  });

  it('a store started while no Sentinel answers fails fast', async () => {
    // node-redis prints each failed attempt to find the master (console.log; the server logs it as a line).
    const print = console.log;
    console.log = () => undefined;
    const started = performance.now();
    await assert
      .rejects(
        createStore({
          redis: { ...redis, topology: { kind: 'sentinel', name: group.name, sentinels: [{ host: '127.0.0.1', port: 1 }] } },
          namespace: 'unused',
        }),
        StoreUnavailableError,
      )
      .finally(() => {
        console.log = print;
      });
    assert.ok(performance.now() - started < 3000, `${Math.round(performance.now() - started)} ms`);
  });
});

/** The browser's cookies for the interaction's login route, to send them to another instance. */
function cookieOf(agent: Agent, app: TestApp, uid: string): string {
  const url = new URL(`/interaction/${uid}/login`, app.direct);
  const jar = (agent as unknown as { jar: { getCookies(access: unknown): { toValueString(): string } } }).jar;
  return jar.getCookies({ domain: url.hostname, path: url.pathname, secure: false, script: false }).toValueString();
}
