/**
 * A counting HTTP proxy on 127.0.0.1 in front of a JSON-RPC URL: tests point the code under
 * test at `url` to prove how many RPC calls it made (e.g. none for an EOA login), and switch
 * modes to simulate an outage without touching the chain behind it.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * forward: pass every request on and its answer back.
 * hang: read the request, count it, never answer (until close() or another mode).
 * error500: answer every request with HTTP 500 and a text body.
 * refuse: stop listening, so connections are refused (ECONNREFUSED); open ones are cut.
 */
export type RpcMode = 'forward' | 'hang' | 'error500' | 'refuse';

export interface RpcCounter {
  /** http://127.0.0.1:<port>; the port is kept across modes. */
  readonly url: string;
  /** JSON-RPC calls received since the last reset (each element of a batch counts). */
  count(): number;
  /** The same, by method name (a body that is not JSON-RPC counts under '(invalid)'). */
  counts(): Record<string, number>;
  /** HTTP requests received since the last reset (a batch is one). */
  httpRequests(): number;
  reset(): void;
  /** Modes apply to requests that arrive from then on (hanging ones are released by a change). */
  setMode(mode: RpcMode): Promise<void>;
  close(): Promise<void>;
}

export async function startRpcCounter(upstream: string): Promise<RpcCounter> {
  let mode: RpcMode = 'forward';
  let calls: Record<string, number> = {};
  let requests = 0;
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    requests += 1;
    for (const method of methodsOf(body)) calls[method] = (calls[method] ?? 0) + 1;
    if (mode === 'hang') {
      hanging.add(response);
      response.once('close', () => hanging.delete(response));
      return;
    }
    if (mode === 'error500') {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('rpc-counter: simulated outage');
      return;
    }
    try {
      const upstreamResponse = await fetch(upstream, {
        method: 'POST',
        headers: { 'content-type': 'application/json' }, // whatever the client said: JSON-RPC bodies are JSON
        body,
      });
      const text = await upstreamResponse.text();
      response
        .writeHead(upstreamResponse.status, { 'content-type': upstreamResponse.headers.get('content-type') ?? 'application/json' })
        .end(text);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' }).end(`rpc-counter: upstream failed: ${(error as Error).message}`);
    }
  }

  function releaseHanging(): void {
    for (const response of hanging) response.destroy();
    hanging.clear();
  }

  async function listen(port: number): Promise<number> {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address !== 'object') throw new Error('rpc-counter: no address');
    return address.port;
  }

  async function stopListening(): Promise<void> {
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => Object.values(calls).reduce((sum, n) => sum + n, 0),
    counts: () => ({ ...calls }),
    httpRequests: () => requests,
    reset() {
      calls = {};
      requests = 0;
    },
    async setMode(next: RpcMode) {
      releaseHanging();
      if (next === 'refuse') await stopListening();
      else if (!server.listening) await listen(port);
      mode = next;
    },
    async close() {
      releaseHanging();
      await stopListening();
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function methodsOf(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return ['(invalid)'];
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  return entries.map((entry) =>
    typeof entry === 'object' && entry !== null && typeof (entry as { method?: unknown }).method === 'string'
      ? (entry as { method: string }).method
      : '(invalid)',
  );
}
