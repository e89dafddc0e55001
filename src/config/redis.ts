/**
 * Where the shared store lives: one of
 *
 *   REDIS_URL            one server, redis[s]://[user:password@]host:port[/db]
 *   REDIS_SENTINELS      host:port,… of Sentinels, with REDIS_SENTINEL_NAME (the
 *                        master's name there) and, when the data nodes or the
 *                        Sentinels want them, REDIS_USERNAME / REDIS_PASSWORD
 *                        and REDIS_SENTINEL_PASSWORD
 *   REDIS_CLUSTER_NODES  redis[s]://[user:password@]host:port,… of a cluster
 *
 * and REDIS_WAIT_REPLICAS, the replicas that must hold a used nonce or code
 * before it counts (storage/replicated-writes.ts). A bad value or combination
 * is a start-up problem; no message repeats a password (or anything of a URL
 * but its scheme, host and port).
 */
import type { RedisNode, RedisSettings } from '../storage/redis-topology.js';
import { optional, parseInteger } from './values.js';

export const MAX_WAIT_REPLICAS = 16;

const SENTINEL_ONLY = ['REDIS_SENTINEL_NAME', 'REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD'] as const;

/** The Redis settings, or undefined for the in-memory store. */
export function parseRedis(env: NodeJS.ProcessEnv, problems: string[]): RedisSettings | undefined {
  const url = optional(env.REDIS_URL);
  const sentinels = optional(env.REDIS_SENTINELS);
  const clusterNodes = optional(env.REDIS_CLUSTER_NODES);
  const given = [
    ...(url === undefined ? [] : ['REDIS_URL']),
    ...(sentinels === undefined ? [] : ['REDIS_SENTINELS']),
    ...(clusterNodes === undefined ? [] : ['REDIS_CLUSTER_NODES']),
  ];
  if (given.length > 1) {
    problems.push(`${given.join(' and ')} are both set: set one of REDIS_URL (one server), REDIS_SENTINELS or REDIS_CLUSTER_NODES`);
    return undefined;
  }
  if (sentinels === undefined) {
    for (const name of SENTINEL_ONLY) {
      if (optional(env[name]) === undefined) continue;
      problems.push(
        name === 'REDIS_USERNAME' || name === 'REDIS_PASSWORD'
          ? `${name} applies to REDIS_SENTINELS only: with ${url === undefined && clusterNodes !== undefined ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL'} the credentials go in the URL (redis://user:password@host:port)`
          : `${name} applies to REDIS_SENTINELS only, which is not set`,
      );
    }
  }
  const rawWait = optional(env.REDIS_WAIT_REPLICAS);
  if (given.length === 0) {
    if (rawWait !== undefined) problems.push('REDIS_WAIT_REPLICAS needs REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES');
    return undefined;
  }
  // Default: 1 behind Sentinel (a failover must not lose an acknowledged write), else 0.
  const waitReplicas =
    rawWait === undefined ? Number(sentinels !== undefined) : parseInteger('REDIS_WAIT_REPLICAS', rawWait, 0, MAX_WAIT_REPLICAS, problems);
  if (url !== undefined) {
    const problem = redisUrlProblem(url);
    if (problem !== undefined) problems.push(`REDIS_URL ${problem}`);
    return { topology: { kind: 'single', url }, waitReplicas };
  }
  if (sentinels !== undefined) {
    const name = optional(env.REDIS_SENTINEL_NAME);
    if (name === undefined) problems.push('REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name the Sentinels monitor the master by');
    else if (/\s/.test(name)) problems.push(`REDIS_SENTINEL_NAME must not contain white space, got "${name}"`);
    const username = optional(env.REDIS_USERNAME);
    const password = optional(env.REDIS_PASSWORD);
    const sentinelPassword = optional(env.REDIS_SENTINEL_PASSWORD);
    if (username !== undefined && password === undefined) problems.push('REDIS_USERNAME needs REDIS_PASSWORD');
    return {
      topology: {
        kind: 'sentinel',
        name: name ?? '',
        sentinels: parseSentinels(sentinels, problems),
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
      },
      waitReplicas,
    };
  }
  return { topology: { kind: 'cluster', nodes: parseClusterNodes(clusterNodes!, problems) }, waitReplicas };
}

/** What is wrong with a redis URL (never repeating it), or undefined. */
function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL (redis://[user:password@]host:port[/db] or rediss://…)';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    return `must start with redis:// or rediss:// (got ${parsed.protocol}//)`;
  if (parsed.hostname === '') return 'names no host';
  return undefined;
}

const PORT = /^\d{1,5}$/;

function validPort(raw: string): boolean {
  return PORT.test(raw) && Number(raw) >= 1 && Number(raw) <= 65535;
}

/** host:port,… (an IPv6 host in brackets: [::1]:26379). */
function parseSentinels(raw: string, problems: string[]): RedisNode[] {
  const nodes: RedisNode[] = [];
  for (const entry of raw.split(',').map((part) => part.trim())) {
    const match = /^(\[[^\]]+\]|[^:\s/[\]]+):(\d+)$/.exec(entry);
    if (!match || !validPort(match[2]!)) {
      problems.push(`REDIS_SENTINELS must be a comma-separated list of host:port, got "${entry}"`);
      continue;
    }
    nodes.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) });
  }
  return nodes;
}

/** redis[s]://[user:password@]host:port,…: one scheme and one set of credentials for every node, no database. */
function parseClusterNodes(raw: string, problems: string[]): string[] {
  const urls = raw.split(',').map((part) => part.trim());
  const parsed: URL[] = [];
  urls.forEach((url, index) => {
    const problem = redisUrlProblem(url);
    const where = `REDIS_CLUSTER_NODES: node ${index + 1}`;
    if (problem !== undefined) {
      problems.push(`${where} ${problem}`);
      return;
    }
    const node = new URL(url);
    if (!validPort(node.port)) problems.push(`${where} must name its port (redis://host:port)`);
    if (node.pathname !== '' && node.pathname !== '/' && node.pathname !== '/0') {
      problems.push(`${where} names a database: a cluster has database 0 only`);
    }
    if (node.search !== '' || node.hash !== '') problems.push(`${where} must not have a query or fragment`);
    parsed.push(node);
  });
  const [first, ...rest] = parsed;
  if (first !== undefined && rest.some((node) => node.protocol !== first.protocol)) {
    problems.push('REDIS_CLUSTER_NODES: every node must use the same scheme (redis:// or rediss://)');
  }
  if (first !== undefined && rest.some((node) => node.username !== first.username || node.password !== first.password)) {
    problems.push('REDIS_CLUSTER_NODES: every node must have the same user and password (or none)');
  }
  return urls;
}
