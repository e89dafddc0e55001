/**
 * The bench servers run as production runs: plain node on JavaScript compiled
 * by tsc (tsx's loader alone adds ~30 MB of RSS and some CPU). tsc compiles
 * bench/servers and everything they import from src/ into the bench's temp
 * directory. With BENCH_RUNTIME=tsx, or if tsc emits nothing, the servers run
 * their TypeScript through tsx instead.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface ServerRuntime {
  kind: 'compiled' | 'tsx';
  /** Path of a bench server entry: `servers/siwe` → the file to run. */
  entry(name: string): string;
  note: string;
}

const TSX: ServerRuntime = {
  kind: 'tsx',
  entry: (name) => `bench/${name}.ts`,
  note: 'servers run through tsx (TypeScript loader in process)',
};

export async function prepareServers(tempDir: string): Promise<ServerRuntime> {
  if (process.env.BENCH_RUNTIME === 'tsx') return TSX;
  const root = resolve('.');
  const outDir = join(tempDir, 'build');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let note = 'servers run as plain node on JavaScript compiled by tsc (as `npm start` does)';
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'bench/tsconfig.servers.json', '--outDir', outDir]);
  } catch (error) {
    // tsc still emits on type errors (e.g. someone else's work in progress in src/).
    const output = String((error as { stdout?: string }).stdout ?? error)
      .split('\n')
      .slice(0, 3)
      .join(' | ');
    note += `; tsc reported: ${output}`;
  }
  const entry = (name: string) => join(outDir, 'bench', `${name}.js`);
  if (!existsSync(entry('servers/siwe')) || !existsSync(entry('servers/bare'))) {
    return { ...TSX, note: `tsc emitted nothing usable, ${TSX.note}` };
  }
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
  await symlink(join(root, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  await symlink(join(root, 'views'), join(outDir, 'views'), 'dir');
  return { kind: 'compiled', entry, note };
}
