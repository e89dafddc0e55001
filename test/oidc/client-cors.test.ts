/**
 * Browser-based relying parties and OIDC debuggers call the token endpoint
 * from their own origin: CORS is allowed from the origin of one of the
 * client's redirect URIs, and from nowhere else.
 */
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/server.js';
import { PUBLIC, RP_ORIGIN } from '../support/federation-clients.js';

describe("CORS for a client's own origin", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ clients: [PUBLIC] });
  });
  after(() => server.close());

  async function tokenRequestFrom(origin: string) {
    return fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'unknown',
        client_id: PUBLIC.client_id,
        code_verifier: 'x'.repeat(43),
      }),
    });
  }

  it('allows the origin of a registered redirect URI', async () => {
    const response = await tokenRequestFrom(RP_ORIGIN);
    assert.equal(response.headers.get('access-control-allow-origin'), RP_ORIGIN);
  });

  it('refuses any other origin', async () => {
    const response = await tokenRequestFrom('https://elsewhere.example');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});
