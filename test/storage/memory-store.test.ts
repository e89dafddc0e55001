/**
 * The in-memory store's size cap (MEMORY_STORE_MAX_ENTRIES entries, or as
 * much text as that many 2 KB entries): at the cap the
 * adapter refuses new interactions with 503 temporarily_unavailable (the
 * relying party gets error=temporarily_unavailable), never evicts, and
 * everything already started keeps working: a signed-in session, a sign-in in
 * progress, codes and tokens. Expired entries make room again.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { setLogLevel } from '../../src/log.js';
import { CHARS_PER_ENTRY, type MemoryStore } from '../../src/storage/memory-store.js';
import { createStore } from '../../src/storage/store.js';
import { authorizeUrl, completeLogin, exchangeCode, follow, newAuthRequest, startInteraction, walletLogin } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';
import { sleep } from '../support/storage-backends.js';
import { FIRST_PARTY, RP_REDIRECT } from '../support/test-clients.js';

describe('the memory store size cap', function () {
  this.timeout(20_000);

  it('says full at maxEntries live entries, sweeping expired ones first, and never refuses a write itself', async () => {
    const store = (await createStore({ maxEntries: 3 })) as MemoryStore;
    try {
      assert.equal(store.maxEntries, 3);
      await store.set('a', 1);
      await store.set('b', 1, 30);
      assert.equal(store.full, false);
      await store.set('c', 1);
      await sleep(40);
      assert.equal(store.size, 3, 'the expired entry is still held');
      assert.equal(store.full, false, 'an expired entry does not count: full() swept it');
      assert.equal(store.size, 2);
      await store.set('d', 1);
      assert.equal(store.full, true);
      await store.set('e', 1);
      assert.equal(await store.get('e'), 1, 'the store itself still writes: the adapter decides what to refuse');
      assert.throws(() => {
        store.maxEntries = 0;
      }, RangeError);
    } finally {
      await store.close();
    }
  });

  it('says full at maxEntries × 2 KB of text too, whatever the count: a flood of large interactions', async () => {
    const store = (await createStore({ maxEntries: 4 })) as MemoryStore;
    try {
      await store.set('big', 'x'.repeat(4 * CHARS_PER_ENTRY - 100));
      assert.equal(store.full, false);
      await store.set('more', 'x'.repeat(200));
      assert.equal(store.size, 2);
      assert.equal(store.full, true);
      await store.set('more', 'x');
      assert.equal(store.full, false, 'a rewrite counts its new size only');
      await store.delete('big');
      assert.ok(store.chars < 100);
    } finally {
      await store.close();
    }
  });

  describe('under the running server', () => {
    let server: TestServer;
    before(async () => {
      setLogLevel('error');
      server = await startServer({ env: { MEMORY_STORE_MAX_ENTRIES: '500' } });
    });
    after(async () => {
      await server?.close();
      setLogLevel('info');
    });

    it('refuses new interactions at the cap; sessions, a sign-in in progress, codes and tokens keep working', async () => {
      const store = server.store as MemoryStore;
      assert.equal(store.maxEntries, 500, 'app.ts applied MEMORY_STORE_MAX_ENTRIES');

      // Before the cap: one person signed in (a session), another half-way through a sign-in.
      const signedIn = supertest.agent(server.issuer);
      const alice = Wallet.createRandom();
      const first = newAuthRequest(FIRST_PARTY.client_id);
      assert.equal((await exchangeCode(signedIn, FIRST_PARTY, await walletLogin(signedIn, alice, first), first)).status, 200);
      const midway = supertest.agent(server.issuer);
      const bob = Wallet.createRandom();
      const pending = newAuthRequest(FIRST_PARTY.client_id);
      const pendingUid = await startInteraction(midway, authorizeUrl(pending));

      // Fill the store to its cap, as a flood of anonymous authorization requests would.
      for (let i = 0; !store.full; i += 1) await store.set(`filler:${i}`, 'x', 60_000);
      const size = store.size;

      const anonymous = await supertest(server.issuer)
        .get(authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)))
        .redirects(0);
      assert.equal(anonymous.status, 303, anonymous.text);
      const refused = new URL(anonymous.headers.location!);
      assert.equal(`${refused.origin}${refused.pathname}`, RP_REDIRECT);
      assert.equal(refused.searchParams.get('error'), 'temporarily_unavailable');
      assert.match(refused.searchParams.get('error_description') ?? '', /at capacity/);
      assert.ok(store.size <= size, 'nothing was added for the refused request');

      // The sign-in in progress completes: its interaction exists, the session and code it creates are written.
      const callback = await completeLogin(midway, pendingUid, bob);
      assert.ok(callback.searchParams.get('code'), callback.href);
      assert.equal((await exchangeCode(midway, FIRST_PARTY, callback, pending)).status, 200);

      // The signed-in session still authorizes (single sign-on, no new interaction), and its code redeems.
      const again = newAuthRequest(FIRST_PARTY.client_id);
      const sso = await signedIn.get(authorizeUrl(again)).redirects(0);
      assert.equal(sso.status, 303, sso.text);
      const ssoCallback = await follow(signedIn, sso.headers.location!);
      assert.ok(ssoCallback.searchParams.get('code'), ssoCallback.href);
      assert.equal((await exchangeCode(signedIn, FIRST_PARTY, ssoCallback, again)).status, 200);

      // Room again (fillers expire or go): new sign-ins start.
      for (let i = 0; store.full; i += 1) await store.delete(`filler:${i}`);
      const fresh = supertest.agent(server.issuer);
      await startInteraction(fresh, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
    });
  });
});
