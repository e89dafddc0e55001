/** A relying party's back-channel logout endpoint on 127.0.0.1: collects the logout tokens posted to it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LogoutReceiver {
  url: string;
  /** The logout_token of every POST received, in order. */
  tokens: string[];
  close(): Promise<void>;
}

export async function startLogoutReceiver(path = '/backchannel-logout'): Promise<LogoutReceiver> {
  const tokens: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      const accepted = request.method === 'POST' && request.url === path && token !== null;
      if (accepted) tokens.push(token);
      response.writeHead(accepted ? 200 : 400, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    tokens,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
