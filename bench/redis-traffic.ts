/**
 * What each Redis command of a login is for: N logins against one server on
 * the bench's private Redis while a MONITOR connection records every command,
 * then a table by command and key (ids replaced by <id>), per login. MONITOR
 * marks the commands a Lua script runs (rate-limiter-flexible's EVAL, our
 * compare-and-set): those are not round trips, and are listed apart.
 * MONITOR slows Redis down, so this runs apart from the timed rounds.
 */
import { createClient } from '@keyv/redis';
import type { Child } from './lib/children.js';
import type { StartedServer } from './lib/servers.js';

export interface RedisTraffic {
  logins: number;
  /** Round trips (commands sent by a client, EVAL counted once) per login. */
  roundTrips: number;
  /** Commands Lua scripts ran, per login. */
  scripted: number;
  /** "GET oidc:Interaction:<id>" → per login; scripted ones prefixed "lua ". */
  byPurpose: [string, number][];
}

/** "<namespace>::oidc:Session:abc…" → "oidc:Session:<id>" (namespace dropped, ids and numbers generalised). */
function keyClass(key: string): string {
  const local = key.includes('::') ? key.slice(key.indexOf('::') + 2) : key;
  return local
    .split(':')
    .map((part, i) => (i === 0 || /^[A-Z][A-Za-z]+$/.test(part) || /^[a-z_]+$/.test(part) ? part : '<id>'))
    .join(':');
}

function parseMonitorLine(line: string): { scripted: boolean; args: string[] } | undefined {
  const match = /^\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (!match) return undefined;
  const args = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  return { scripted: match[1] === 'lua', args };
}

export async function recordRedisTraffic(redisUrl: string, driver: Child, server: StartedServer, logins: number): Promise<RedisTraffic> {
  const monitor = createClient({ url: redisUrl });
  await monitor.connect();
  const counts = new Map<string, number>();
  let roundTrips = 0;
  let scripted = 0;
  await monitor.monitor((line: string) => {
    const parsed = parseMonitorLine(line);
    if (!parsed || parsed.args.length === 0) return;
    const command = parsed.args[0]!.toUpperCase();
    if (command === 'MONITOR' || command === 'INFO' || command === 'PING') return;
    const key = command === 'EVAL' || command === 'EVALSHA' ? parsed.args[3] : parsed.args[1];
    const purpose = `${parsed.scripted ? 'lua ' : ''}${command} ${key === undefined ? '' : keyClass(key)}`;
    counts.set(purpose, (counts.get(purpose) ?? 0) + 1);
    if (parsed.scripted) scripted++;
    else roundTrips++;
  });
  try {
    const result = await driver.call<{ ok: number; failed: number; firstError: string | null }>({
      type: 'round',
      base: server.base,
      logins,
      concurrency: 1,
    });
    if (result.failed > 0) throw new Error(`redis traffic: ${result.failed} logins failed: ${result.firstError}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    await monitor.close();
  }
  return {
    logins,
    roundTrips: roundTrips / logins,
    scripted: scripted / logins,
    byPurpose: [...counts].map(([purpose, count]) => [purpose, count / logins] as [string, number]).sort((a, b) => b[1] - a[1]),
  };
}
