/**
 * Resident memory of our server (Redis storage) under sustained logins: VmRSS
 * from /proc after a warm-up and after every `step` logins, each sample taken
 * twice: as is, and after the child ran a full GC (bench hook, --expose-gc).
 */
import type { Child } from '../lib/children.js';
import { rssMb } from '../lib/proc.js';
import { measuredRound, type Target } from './throughput.js';

export interface MemorySample {
  logins: number;
  rssMb: number;
  rssAfterGcMb: number;
  heapUsedAfterGcMb: number;
  heapTotalAfterGcMb: number;
  failed: number;
}

interface GcReply {
  memory: NodeJS.MemoryUsage;
}

const MB = 1024 * 1024;

async function sample(target: Target, logins: number, failed: number): Promise<MemorySample> {
  const rss = rssMb(target.child.pid);
  const { memory } = await target.child.call<GcReply>({ type: 'gc' });
  return {
    logins,
    rssMb: rss,
    rssAfterGcMb: rssMb(target.child.pid),
    heapUsedAfterGcMb: memory.heapUsed / MB,
    heapTotalAfterGcMb: memory.heapTotal / MB,
    failed,
  };
}

export async function memoryPhase(
  driver: Child,
  target: Target,
  options: { warmup: number; total: number; step: number; concurrency: number },
  progress: (line: string) => void,
): Promise<MemorySample[]> {
  const warm = await measuredRound(driver, target, options.warmup, options.concurrency);
  const samples = [await sample(target, 0, warm.failed)];
  const show = (s: MemorySample) =>
    progress(
      `  ${s.logins === 0 ? `after warm-up (${options.warmup})` : `after ${String(s.logins).padStart(6)} logins`}: ` +
        `RSS ${s.rssMb.toFixed(1)} MB, after GC ${s.rssAfterGcMb.toFixed(1)} MB ` +
        `(V8 heap used ${s.heapUsedAfterGcMb.toFixed(1)} of ${s.heapTotalAfterGcMb.toFixed(1)} MB)${s.failed ? `, ${s.failed} FAILED` : ''}`,
    );
  show(samples[0]!);
  for (let done = 0; done < options.total; ) {
    const logins = Math.min(options.step, options.total - done);
    const round = await measuredRound(driver, target, logins, options.concurrency);
    done += logins;
    const s = await sample(target, done, round.failed);
    samples.push(s);
    show(s);
  }
  return samples;
}
