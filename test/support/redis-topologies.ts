/**
 * Private Redis topologies from Debian's redis-server and redis-sentinel, on
 * free ports in a temporary directory: a Redis Cluster (masters, optionally a
 * replica each) and a Sentinel group (a master, a replica, three Sentinels
 * that fail over within seconds). Each handle's stop() kills every process it
 * started and removes the directory. Plus the server under test on such a
 * topology (startAppOn).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import type Provider from 'oidc-provider';
import { createApp } from '../../src/app.js';
import { readConfig } from '../../src/config/env.js';
import type { PrivateJwks } from '../../src/config/keys.js';
import { deploymentWarnings, type Settings } from '../../src/config/settings.js';
import type { RedisNode, RedisSettings } from '../../src/storage/redis-topology.js';
import { createStore, type Store } from '../../src/storage/store.js';
import { freePort, kill, startProcess, startRedis } from './redis-server.js';
import { sleep } from './storage-backends.js';
import { TEST_CLIENTS } from './test-clients.js';

/** One command to a node through a short-lived client. */
export async function redisCommand(port: number, args: string[]): Promise<unknown> {
  const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}

/** Polls `check` every 100 ms until it is true, or fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

async function run(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, `${command} ${args.join(' ')} failed:\n${output}`);
  return output;
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

export interface RedisClusterHandle {
  /** redis://127.0.0.1:<port> of every node, masters and replicas. */
  urls: string[];
  /** Port of each running node. */
  processes: Map<number, ChildProcess>;
  /** The ports of the nodes that are masters now (as the first node that answers says). */
  masterPorts(): Promise<number[]>;
  /** SIGKILLs one node. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again, empty, with its cluster configuration (it rejoins, as a replica if it was failed over). */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** Replicas sync at once (the default waits 5 s for more replicas to serve in the same diskless transfer). */
const SYNC_AT_ONCE = ['--repl-diskless-sync-delay', '0'];

/**
 * A node's own files in the topology's directory: the RDB a replica writes on a full sync is its own, and a node
 * started again does not load another's (nor, once removed with forgetData, its own: it comes back empty).
 */
const ownFiles = (dir: string, port: number) => ['--dir', dir, '--dbfilename', `dump-${port}.rdb`];
const forgetData = (dir: string, port: number) => rm(join(dir, `dump-${port}.rdb`), { force: true });

/**
 * `masters` masters and `replicasPerMaster` replicas each, created with
 * `redis-cli --cluster create`; resolves once every node says cluster_state:ok
 * and every replica's link to its master is up. cluster-node-timeout 1000:
 * a dead master's replica takes over within a few seconds.
 */
export async function startCluster({ masters = 3, replicasPerMaster = 0 } = {}): Promise<RedisClusterHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'siwe-idp-cluster-'));
  const count = masters * (1 + replicasPerMaster);
  const ports: number[] = [];
  const busPorts = new Map<number, number>();
  /** A client port and a bus port, both free now and neither used by another node. */
  const freshPorts = async (): Promise<[number, number]> => {
    for (;;) {
      const port = await freePort();
      const bus = await freePort();
      const taken = [...ports, ...busPorts.values()];
      if (port !== bus && !taken.includes(port) && !taken.includes(bus)) return [port, bus];
    }
  };
  while (ports.length < count) {
    const [port, bus] = await freshPorts();
    ports.push(port);
    busPorts.set(port, bus);
  }
  const processes = new Map<number, ChildProcess>();
  const start = async (port: number) => {
    processes.set(
      port,
      await startRedis(port, [
        ...SYNC_AT_ONCE,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        // An explicit bus port: port + 10000 may be taken, or past 65535.
        '--cluster-port',
        String(busPorts.get(port)),
        '--cluster-node-timeout',
        '1000',
        ...ownFiles(dir, port),
      ]),
    );
  };
  /**
   * Starts the node at ports[index]. A port found free can be taken before redis-server binds it (by another
   * connection's ephemeral port): the node then gets new ports, up to three times.
   */
  const startAt = async (index: number) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await start(ports[index]!);
        return;
      } catch (error) {
        if (attempt === 3 || !/Address already in use/.test(String(error))) throw error;
        busPorts.delete(ports[index]!);
        const [port, bus] = await freshPorts();
        ports[index] = port;
        busPorts.set(port, bus);
      }
    }
  };
  const handle: RedisClusterHandle = {
    get urls() {
      return ports.map((port) => `redis://127.0.0.1:${port}`);
    },
    processes,
    async masterPorts() {
      for (const port of processes.keys()) {
        try {
          const nodes = String(await redisCommand(port, ['CLUSTER', 'NODES']));
          return nodes
            .split('\n')
            .filter((line) => / master /.test(` ${line.split(' ')[2]?.replace(/,/g, ' ')} `) && !line.includes('fail'))
            .map((line) => Number(/:(\d+)@/.exec(line)![1]));
        } catch {}
      }
      throw new Error('no cluster node answers');
    },
    async kill(port) {
      await kill(processes.get(port));
      processes.delete(port);
    },
    async restart(port) {
      await forgetData(dir, port);
      await start(port);
    },
    async stop() {
      await Promise.all([...processes.values()].map((child) => kill(child)));
      processes.clear();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(ports.map((_port, index) => startAt(index)));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ]);
    await waitFor('the cluster to be ok on every node, replicas in sync', async () => {
      for (const port of ports) {
        if (infoField(String(await redisCommand(port, ['CLUSTER', 'INFO'])), 'cluster_state') !== 'ok') return false;
        const replication = String(await redisCommand(port, ['INFO', 'replication']));
        if (infoField(replication, 'role') === 'slave' && infoField(replication, 'master_link_status') !== 'up') return false;
      }
      return (await handle.masterPorts()).length === masters;
    });
    return handle;
  } catch (error) {
    await handle.stop();
    throw error;
  }
}

export interface SentinelGroupHandle {
  /** The name the Sentinels monitor the master by. */
  name: string;
  sentinels: RedisNode[];
  /** The data nodes' ports: [first master, first replica]. */
  dataPorts: [number, number];
  processes: Map<number, ChildProcess>;
  /** The master's port as a Sentinel that answers says. */
  masterPort(): Promise<number>;
  /** The master's port if every running Sentinel says the same, else undefined. */
  agreedMasterPort(): Promise<number | undefined>;
  /** SIGKILLs one process. */
  kill(port: number): Promise<void>;
  /** Starts a data node again, empty, as a replica of the master at `masterPort`. */
  startReplica(port: number, masterPort: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A master, a replica and three Sentinels (quorum 2) on 127.0.0.1, with
 * down-after-milliseconds 1000 and failover-timeout 3000: a killed master's
 * replica is promoted within a few seconds. Resolves once every Sentinel
 * knows the other two and the replica is in sync.
 */
export async function startSentinelGroup(name = 'siwe-idp-test'): Promise<SentinelGroupHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'siwe-idp-sentinel-'));
  const processes = new Map<number, ChildProcess>();
  const ports = new Set<number>();
  const nextPort = async () => {
    for (;;) {
      const port = await freePort();
      if (!ports.has(port)) {
        ports.add(port);
        return port;
      }
    }
  };
  const master = await nextPort();
  const replica = await nextPort();
  const sentinelPorts = [await nextPort(), await nextPort(), await nextPort()];
  const handle: SentinelGroupHandle = {
    name,
    sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
    dataPorts: [master, replica],
    processes,
    async masterPort() {
      for (const port of sentinelPorts) {
        if (!processes.has(port)) continue;
        try {
          const [, masterPort] = (await redisCommand(port, ['SENTINEL', 'get-master-addr-by-name', name])) as [string, string];
          return Number(masterPort);
        } catch {}
      }
      throw new Error('no Sentinel answers');
    },
    async agreedMasterPort() {
      const ports = await Promise.all(
        sentinelPorts
          .filter((port) => processes.has(port))
          .map(async (port) => Number(((await redisCommand(port, ['SENTINEL', 'get-master-addr-by-name', name])) as [string, string])[1])),
      );
      return ports.every((port) => port === ports[0]) ? ports[0] : undefined;
    },
    async kill(port) {
      await kill(processes.get(port));
      processes.delete(port);
    },
    async startReplica(port, masterPort) {
      await forgetData(dir, port);
      processes.set(
        port,
        await startRedis(port, [...SYNC_AT_ONCE, ...ownFiles(dir, port), '--replicaof', '127.0.0.1', String(masterPort)]),
      );
    },
    async stop() {
      await Promise.all([...processes.values()].map((child) => kill(child)));
      processes.clear();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    processes.set(master, await startRedis(master, [...SYNC_AT_ONCE, ...ownFiles(dir, master)]));
    processes.set(
      replica,
      await startRedis(replica, [...SYNC_AT_ONCE, ...ownFiles(dir, replica), '--replicaof', '127.0.0.1', String(master)]),
    );
    await Promise.all(
      sentinelPorts.map(async (port) => {
        const file = join(dir, `sentinel-${port}.conf`);
        await writeFile(
          file,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            `dir ${dir}`,
            `sentinel monitor ${name} 127.0.0.1 ${master} 2`,
            `sentinel down-after-milliseconds ${name} 1000`,
            `sentinel failover-timeout ${name} 3000`,
            `sentinel parallel-syncs ${name} 1`,
            '',
          ].join('\n'),
        );
        processes.set(port, await startProcess('redis-sentinel', [file], '+monitor master'));
      }),
    );
    await waitFor('the replica in sync, and each Sentinel to know the other two and the replica', async () => {
      if (infoField(String(await redisCommand(replica, ['INFO', 'replication'])), 'master_link_status') !== 'up') return false;
      for (const port of sentinelPorts) {
        if (((await redisCommand(port, ['SENTINEL', 'sentinels', name])) as unknown[]).length !== 2) return false;
        if (((await redisCommand(port, ['SENTINEL', 'replicas', name])) as unknown[]).length !== 1) return false;
      }
      return true;
    });
    return handle;
  } catch (error) {
    await handle.stop();
    throw error;
  }
}

export interface TestApp {
  issuer: string;
  /** The instance's own address (instances share one issuer, as behind a load balancer). */
  direct: string;
  provider: Provider;
  store: Store;
  close(): Promise<void>;
}

export interface SharedSecrets {
  jwks: PrivateJwks;
  cookieKeys: string[];
  namespace: string;
}

/**
 * The server, in this process on a free loopback port, with its store on
 * `redis` (any topology) under `shared.namespace`; `issuer` makes it one
 * more instance of another's issuer.
 */
export async function startAppOn(
  redis: RedisSettings,
  shared: SharedSecrets,
  { env = {}, issuer }: { env?: Record<string, string>; issuer?: string } = {},
): Promise<TestApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const config = readConfig({ PORT: String(port), ISSUER: issuer ?? `http://localhost:${port}`, ...env });
  const settings: Settings = {
    config: { ...config, redis },
    jwks: shared.jwks,
    clients: TEST_CLIENTS,
    cookieKeys: shared.cookieKeys,
    warnings: deploymentWarnings(config),
  };
  const store = await createStore({ redis, namespace: shared.namespace });
  const provider = await createApp(settings, store);
  server.on('request', provider.callback());
  return {
    issuer: config.issuer,
    direct: `http://127.0.0.1:${port}`,
    provider,
    store,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close().catch(() => undefined);
    },
  };
}

export function newNamespace(): string {
  return `test-${randomBytes(6).toString('hex')}`;
}
