/**
 * A redis-server of the bench's own (the tests' startRedis), on a free
 * loopback port, run from the temp directory and keeping nothing on disk: its command counts and CPU time
 * are this bench's alone, whatever else uses the machine's Redis meanwhile.
 * BENCH_REDIS_URL points the bench at another Redis instead (its counts then
 * include everyone's commands); stop() then deletes the run's keys ("<prefix>*") there.
 */
import { kill, startRedis } from '../../test/support/redis-server.js';
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
  const child = await startRedis(port);
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop: () => kill(child) };
}
