/** A Server-Sent Events client for tests: one GET, its events as they arrive, the status and headers. */
import { type IncomingMessage, request } from 'node:http';

export interface EventStream {
  status: number;
  headers: IncomingMessage['headers'];
  /** Events received so far, in order ("proof", "expired"); comments and `retry` are left out. */
  events: string[];
  /** Resolves with the next event's name (or undefined if the stream ended first). */
  next(timeoutMs?: number): Promise<string | undefined>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** The body, when the answer was not a stream. */
  text(): Promise<string>;
  close(): void;
}

export function openEventStream(origin: string, path: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      const events: string[] = [];
      const waiting: ((event: string | undefined) => void)[] = [];
      let buffer = '';
      let done = false;
      let body = '';
      const ended = new Promise<void>((resolveEnd) => {
        response.on('close', () => {
          done = true;
          for (const wake of waiting.splice(0)) wake(undefined);
          resolveEnd();
        });
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          if (name) {
            events.push(name);
            waiting.shift()?.(name);
          }
          end = buffer.indexOf('\n\n');
        }
      });
      let read = 0;
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        ended,
        next(timeoutMs = 5000) {
          if (read < events.length) return Promise.resolve(events[read++]);
          if (done) return Promise.resolve(undefined);
          return new Promise((resolveNext, rejectNext) => {
            const timer = setTimeout(() => rejectNext(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
            waiting.push((event) => {
              clearTimeout(timer);
              if (event !== undefined) read++;
              resolveNext(event);
            });
          });
        },
        async text() {
          await ended;
          return body;
        },
        close: () => outgoing.destroy(),
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
