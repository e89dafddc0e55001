/**
 * METRICS_PORT at `npm start`'s entry point (src/main.ts, spawned): unset,
 * the process listens on its public port alone; set, it also serves /metrics
 * on that port (and nothing else there), says where in its start line, and
 * closes it on SIGTERM; a bad METRICS_PORT or METRICS_HOST, or a metrics port
 * already taken, stops the start (exit 1) with a fatal line.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import { freePort } from '../support/redis-server.js';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

interface Started {
  child: ChildProcessWithoutNullStreams;
  /** The start line's fields. */
  fields: Record<string, unknown>;
  stderr(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

function run(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, LOG_FORMAT: 'json', SHUTDOWN_TIMEOUT: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

async function start(env: Record<string, string>): Promise<Started> {
  const child = run(env);
  let stderr = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = stderr.split('\n').find((text) => text.includes('siwe-idp listening on port'));
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${stderr}`)));
  });
  return {
    child,
    fields: JSON.parse(line) as Record<string, unknown>,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      return (await exited)[0] as number | null;
    },
  };
}

/** Runs main.ts expecting a refused start: the exit code and the fatal line. */
async function refused(env: Record<string, string>): Promise<{ code: number | null; fatal: Record<string, unknown> }> {
  const child = run(env);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const fatal = stderr.split('\n').find((text) => text.includes('"level":"fatal"'));
  assert.ok(fatal, `a fatal line:\n${stderr}`);
  return { code, fatal: JSON.parse(fatal) as Record<string, unknown> };
}

/** The TCP ports process `pid` listens on (Linux: its socket inodes in /proc/net/tcp and tcp6). */
async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const row of text.split('\n').slice(1)) {
      const columns = row.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is the tenth column.
      if (columns[3] === '0A' && inodes.has(columns[9]!)) ports.add(Number.parseInt(columns[1]!.split(':')[1]!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

const PROC = existsSync('/proc/self/fd') && existsSync('/proc/net/tcp');

describe('METRICS_PORT at the start command', function () {
  this.timeout(30_000);

  it('unset: no metrics server, only the public port listens, the start line names no metrics', async function () {
    const port = await freePort();
    const started = await start({ PORT: String(port) });
    try {
      assert.equal('metrics' in started.fields, false, JSON.stringify(started.fields));
      if (PROC) assert.deepEqual(await listeningPorts(started.child.pid!), [port]);
      else this.skip();
    } finally {
      assert.equal(await started.stop(), 0, started.stderr());
    }
  });

  it('set: /metrics on its own port (and nothing else there), named in the start line, closed on SIGTERM', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const started = await start({ PORT: String(port), METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' });
    let code: number | null;
    try {
      assert.equal(started.fields.metrics, `http://127.0.0.1:${metricsPort}/metrics`);
      if (PROC)
        assert.deepEqual(
          await listeningPorts(started.child.pid!),
          [port, metricsPort].sort((a, b) => a - b),
        );
      await fetch(`http://localhost:${port}/healthz`);
      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(scrape.status, 200);
      const text = await scrape.text();
      assert.match(text, /^siwe_idp_process_cpu_user_seconds_total \d/m);
      assert.match(text, /^siwe_idp_nodejs_eventloop_lag_seconds \d/m);
      assert.match(text, /^siwe_idp_http_request_duration_seconds_count\{route="healthz",method="GET",status_class="2xx"\} 1$/m);
      assert.match(text, /^siwe_idp_rate_limited_total\{limit="auth"\} 0$/m);
      for (const path of ['/', '/metricsx', '/readyz'])
        assert.equal((await fetch(`http://127.0.0.1:${metricsPort}${path}`)).status, 404, path);
      assert.equal((await fetch(`http://localhost:${port}/metrics`)).status, 404, 'not on the public port');
    } finally {
      code = await started.stop();
    }
    assert.equal(code, 0, started.stderr());
    await assert.rejects(fetch(`http://127.0.0.1:${metricsPort}/metrics`), 'the metrics port is closed');
  });

  it('a bad METRICS_PORT or METRICS_HOST stops the start, naming both (the rest: test/config/metrics-endpoint.test.ts)', async () => {
    const { code, fatal } = await refused({ PORT: String(await freePort()), METRICS_PORT: '70000', METRICS_HOST: 'not a host' });
    assert.equal(code, 1);
    assert.equal(fatal.msg, 'siwe-idp cannot start: invalid configuration');
    const problems = fatal.problems as string[];
    assert.ok(
      problems.some((text) => /^METRICS_PORT must be a whole number from 1 to 65535 \(unset: no metrics\), got "70000"$/.test(text)),
      problems.join('; '),
    );
    assert.ok(
      problems.some((text) => /^METRICS_HOST must be an IP address or a host name/.test(text)),
      problems.join('; '),
    );
  });

  it('a metrics port already taken stops the start', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const metricsPort = (taken.address() as { port: number }).port;
    try {
      const { code, fatal } = await refused({
        PORT: String(await freePort()),
        METRICS_PORT: String(metricsPort),
        METRICS_HOST: '127.0.0.1',
      });
      assert.equal(code, 1);
      assert.equal(fatal.msg, 'siwe-idp cannot start');
      assert.match(String(fatal.error), new RegExp(`^METRICS_PORT ${metricsPort} on 127\\.0\\.0\\.1: cannot listen \\(EADDRINUSE\\)`));
    } finally {
      taken.close();
    }
  });
});
