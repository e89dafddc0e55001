/** Starts a bench server child (ours or the bare engine) on a free loopback port. */
import { readFileSync } from 'node:fs';
import { spawnChild, type Child } from './children.js';
import type { ServerRuntime } from './compile.js';
import { freePort, serverEnv } from './setup.js';

export type ServerKind = 'ours' | 'bare';

const ENTRIES: Record<ServerKind, string> = { ours: 'servers/siwe', bare: 'servers/bare' };

/** The node flags in package.json's start script (`node --flag … dist/main.js`). */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(' ').filter((token) => token.startsWith('--'));
}

export interface StartedServer {
  name: ServerKind;
  child: Child;
  base: string;
}

export async function startBenchServer(
  runtime: ServerRuntime,
  kind: ServerKind,
  label: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<StartedServer> {
  const port = await freePort();
  // Both servers run with the node flags of `npm start`, or BENCH_SERVER_NODE_ARGS when set.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? startFlags().join(' ')).split(' ').filter(Boolean);
  const child = await spawnChild(label, runtime.entry(ENTRIES[kind]), {
    env: { ...env, ...serverEnv(port), BENCH_HOOKS: '1' },
    nodeArgs: [...extra, ...nodeArgs],
  });
  return { name: kind, child, base: `http://127.0.0.1:${port}` };
}
