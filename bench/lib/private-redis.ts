/**
 * A redis-server of the bench's own, on a free loopback port, run from the
 * temp directory and keeping nothing on disk: its command counts and CPU time
 * are this bench's alone, whatever else uses the machine's Redis meanwhile.
 * BENCH_REDIS_URL points the bench at another Redis instead (its counts then
 * include everyone's commands); stop() then deletes the run's keys ("<prefix>*") there.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { deleteKeys } from './redis-namespace.js';
import { freePort } from './setup.js';

export interface BenchRedis {
  url: string;
  /** The server's pid, for its CPU time; undefined for an outside Redis. */
  pid: number | undefined;
  /** Stops the bench's own server; on an outside Redis, deletes this run's keys. */
  stop(): Promise<void>;
}

export async function startBenchRedis(outsideUrl: string | undefined, prefix: string): Promise<BenchRedis> {
  if (outsideUrl) {
    const stop = async () => {
      const deleted = await deleteKeys(outsideUrl, prefix).catch((error: Error) => `not deleted (${error.message})`);
      console.log(`\nRedis keys "${prefix}*" removed: ${deleted}`);
    };
    return { url: outsideUrl, pid: undefined, stop };
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = once(child, 'exit');
  child.once('error', () => undefined);
  // Ready when it accepts a connection (the log line differs between versions and log levels).
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}`).then(
      () => true,
      (error: { cause?: { code?: string } }) => error.cause?.code !== 'ECONNREFUSED',
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('redis-server did not start in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
