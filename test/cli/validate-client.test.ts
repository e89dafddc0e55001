/**
 * validateClient (src/cli/client-sources.ts) checks client metadata through
 * oidc-provider's public API (a provider with the client as its only static
 * one, Client.find, client.metadata()), under the server's configuration:
 * the same defaults, the same refusals, our extra metadata validated too.
 */
import assert from 'node:assert/strict';
import { errors, type ClientMetadata } from 'oidc-provider';
import { validateClient } from '../../src/cli/client-sources.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { createAdapter } from '../../src/storage/adapter.js';
import { createStore } from '../../src/storage/store.js';
import { createProvider } from '../../src/oidc/provider.js';

const CLIENT = {
  client_id: 'app',
  client_secret: 's'.repeat(43),
  redirect_uris: ['https://app.example/callback'],
  first_party: true,
} as ClientMetadata;

describe("validateClient: the server's validation, through public APIs", () => {
  let settings: Settings;

  before(async () => {
    settings = await loadSettings({ LOG_LEVEL: 'silent' });
  });

  it("returns what the server stores: the metadata with the server's defaults applied", async () => {
    const stored = await validateClient(settings, CLIENT);
    assert.equal(stored.client_id, 'app');
    assert.equal(stored.client_secret, CLIENT.client_secret);
    assert.equal(stored.first_party, true);
    assert.deepEqual(stored.grant_types, ['authorization_code']);
    assert.deepEqual(stored.response_types, ['code']);
    assert.equal(stored.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(stored.id_token_signed_response_alg, 'ES256');
  });

  it('gives the same metadata the running server has for that client', async () => {
    const store = await createStore({});
    try {
      const provider = await createProvider({ ...settings, clients: [CLIENT], adapter: createAdapter(store), store });
      const served = await provider.Client.find('app');
      assert.ok(served);
      assert.deepEqual(await validateClient(settings, CLIENT), served.metadata());
    } finally {
      await store.close();
    }
  });

  it("refuses invalid metadata with oidc-provider's error, our validator included", async () => {
    const invalid = (description: RegExp) => (error: unknown) =>
      error instanceof errors.InvalidClientMetadata && description.test(String(error.error_description));
    await assert.rejects(validateClient(settings, { ...CLIENT, redirect_uris: ['not a url'] }), invalid(/redirect_uris/));
    // Not among the algorithms the server's configuration enables (ES256, RS256).
    await assert.rejects(
      validateClient(settings, { ...CLIENT, id_token_signed_response_alg: 'PS512' }),
      invalid(/id_token_signed_response_alg/),
    );
    await assert.rejects(validateClient(settings, { ...CLIENT, first_party: 'yes' }), invalid(/^first_party must be true or false$/));
  });
});
