/**
 * `siwe-idp config check`: everything the server checks at its start (the
 * environment, JWKS_FILE, CLIENTS_FILE and each client in it), plus Redis
 * answering and the rotation state of the signing keys. Each part is checked
 * on its own, so one run lists every problem.
 */
import { randomBytes } from 'node:crypto';
import { loadClients } from '../config/clients.js';
import { readConfig, type Config } from '../config/env.js';
import { ConfigError } from '../config/config-error.js';
import { generateJwks, readStoredJwks } from '../config/keys.js';
import { isExpiredRetiree, statusOf } from '../config/key-rotation.js';
import { deploymentWarnings } from '../config/settings.js';
import { optional } from '../config/values.js';
import { createProvider } from '../oidc/provider.js';
import { createAdapter } from '../storage/adapter.js';
import type { RedisSettings } from '../storage/redis-topology.js';
import { createStore } from '../storage/store.js';
import type { Io } from './io.js';

interface Report {
  ok: string[];
  notes: string[];
  problems: string[];
}

function collect(report: Report, error: unknown): void {
  if (error instanceof ConfigError) report.problems.push(...error.problems);
  else report.problems.push((error as Error).message);
}

async function checkKeys(file: string, report: Report): Promise<void> {
  const { keys } = await readStoredJwks(file);
  const now = new Date();
  const count = (status: string) => keys.filter((key) => statusOf(key) === status).length;
  report.ok.push(`JWKS_FILE ${file}: ${count('current')} current, ${count('next')} next, ${count('retired')} retired key(s)`);
  if (count('next') === 0)
    report.notes.push('no next signing key is published yet: the first "keys rotate" publishes one, the second promotes it');
  const expired = keys.filter((key) => isExpiredRetiree(key, now)).length;
  if (expired > 0) report.notes.push(`${expired} retired key(s) are past their time: "keys rotate" removes them`);
}

async function checkRedis(redis: RedisSettings, report: Report): Promise<void> {
  const store = await createStore({ redis, timeoutMs: 3000 });
  try {
    await store.ping();
    const { topology } = redis;
    report.ok.push(
      topology.kind === 'single'
        ? 'REDIS_URL: Redis answers'
        : topology.kind === 'sentinel'
          ? `REDIS_SENTINELS: the master "${topology.name}" answers`
          : 'REDIS_CLUSTER_NODES: every master of the cluster answers',
    );
  } finally {
    await store.close();
  }
}

/** Each client validated by oidc-provider under this configuration, as at the server's start. */
async function checkClients(file: string, config: Config | undefined, report: Report): Promise<void> {
  const clients = await loadClients(file);
  if (!config) {
    report.notes.push(`CLIENTS_FILE ${file}: ${clients.length} client(s) read; fix the environment to validate them`);
    return;
  }
  const store = await createStore({});
  try {
    await createProvider({
      config,
      jwks: await generateJwks(),
      clients,
      cookieKeys: [randomBytes(32).toString('hex')],
      adapter: createAdapter(store),
    });
    report.ok.push(`CLIENTS_FILE ${file}: ${clients.length} valid client(s): ${clients.map((client) => client.client_id).join(', ')}`);
  } finally {
    await store.close();
  }
}

export async function configCheck(io: Io): Promise<number> {
  const report: Report = { ok: [], notes: [], problems: [] };
  let config: Config | undefined;
  try {
    config = readConfig(io.env);
    report.ok.push(
      `environment: issuer ${config.issuer}, chains ${config.chainIds.join(',')}, subject format ${config.subjectFormat}, registration ${config.registration.mode}`,
    );
    report.notes.push(...deploymentWarnings(config));
  } catch (error) {
    collect(report, error);
  }
  const steps: Array<Promise<void>> = [];
  const jwksFile = optional(io.env.JWKS_FILE);
  const clientsFile = optional(io.env.CLIENTS_FILE);
  if (jwksFile) steps.push(checkKeys(jwksFile, report));
  else report.notes.push('JWKS_FILE is not set: the server generates signing keys at every start (development only)');
  if (clientsFile) steps.push(checkClients(clientsFile, config, report));
  else report.notes.push('CLIENTS_FILE is not set: the server serves the development client (development only)');
  // From the configuration when it reads (REDIS_URL may come from REDIS_URL_FILE); else REDIS_URL as it stands.
  // REDIS_SENTINELS and REDIS_CLUSTER_NODES only through the configuration (it checks their combination).
  const plainUrl = config ? undefined : optional(io.env.REDIS_URL);
  const redis = config ? config.redis : plainUrl ? { topology: { kind: 'single' as const, url: plainUrl }, waitReplicas: 0 } : undefined;
  if (redis) steps.push(checkRedis(redis, report));
  for (const outcome of await Promise.allSettled(steps)) {
    if (outcome.status === 'rejected') collect(report, outcome.reason);
  }
  for (const line of report.ok) io.out(`ok       ${line}`);
  for (const line of report.notes) io.out(`note     ${line}`);
  for (const line of report.problems) io.err(`PROBLEM  ${line}`);
  io.out(report.problems.length === 0 ? 'configuration ok' : `${report.problems.length} problem(s): the server would not start`);
  return report.problems.length === 0 ? 0 : 1;
}
