/**
 * Child processes of the bench: node running a .js file, or a .ts file with
 * tsx's loader (node itself is the child either way, so its pid is the one
 * whose /proc entry we read),
 * an IPC channel for requests, and a registry that kills every child on exit,
 * Ctrl-C, SIGTERM and uncaught errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Sends a request; resolves with the child's reply of the same id. */
  call<T>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Last lines the child wrote to stderr, for error reports. */
  stderrTail(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Resolve only once the child sends {type: 'ready'}; default true. */
  waitReady?: boolean;
}

let nextId = 1;

export async function spawnChild(name: string, file: string, options: SpawnOptions = {}): Promise<Child> {
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, file], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  children.add(child);
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => children.delete(child));

  const call = <T>(message: Record<string, unknown>, timeoutMs = 600_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => done(new Error(`${name}: no reply to ${String(message.type)} in ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (reply: { id?: number; error?: string }) => {
        if (reply.id !== id) return;
        if (reply.error) done(new Error(`${name}: ${reply.error}`));
        else done(undefined, reply as T);
      };
      const onExit = () => done(new Error(`${name} exited while handling ${String(message.type)}:\n${tail}`));
      function done(error?: Error, value?: T) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(value as T);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ ...message, id });
    });

  const handle: Child = {
    name,
    pid: child.pid ?? -1,
    process: child,
    call,
    stderrTail: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
  if (options.waitReady !== false) {
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type?: string }) => message.type === 'ready' && resolve());
      child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${tail}`)));
    });
  }
  return handle;
}

/** Kills every child still running (synchronous: usable from 'exit'). */
export function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Installs the handlers that make sure no child outlives the bench. */
export function killChildrenOnExit(cleanup: () => Promise<void>): void {
  process.once('exit', killAll);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `on`, not `once`: Ctrl-C reaches us twice (from the terminal and relayed by tsx's CLI);
    // a second signal must not kill the process before the cleanup is done.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n${signal}: stopping the bench and its children\n`);
      killAll();
      void cleanup().finally(() => process.exit(130));
    });
  }
}
