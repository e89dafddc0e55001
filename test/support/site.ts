/** A small web server on 127.0.0.1 and a free port: a relying party, a logo host. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalSite {
  origin: string;
  close(): Promise<void>;
}

/** A web server on 127.0.0.1 and a free port. */
export async function startSite(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<LocalSite> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
