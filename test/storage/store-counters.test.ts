/**
 * The two store primitives federation adds, on both backends: increment (a
 * fixed-window counter, atomic across connections) for the registration rate
 * limit, and removeFromSet for the index of stored clients.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/storage/store.js';
import { backends, sleep } from '../support/storage-backends.js';

for (const backend of backends()) {
  describe(`store counters and set removal (${backend.name})`, () => {
    let store: Store;
    let peer: Store;
    const key = () => `test:${randomUUID()}`;

    before(async () => {
      store = await backend.open();
      peer = await backend.peer();
    });
    after(() => backend.cleanup());

    it('increment counts from 1', async () => {
      const counter = key();
      assert.equal(await store.increment(counter, 60_000), 1);
      assert.equal(await store.increment(counter, 60_000), 2);
      assert.equal(await peer.increment(counter, 60_000), 3);
    });

    it('increment is atomic: 50 concurrent increments on two connections give 1..50', async () => {
      const counter = key();
      const counts = await Promise.all(Array.from({ length: 50 }, (_, index) => (index % 2 ? store : peer).increment(counter, 60_000)));
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, index) => index + 1),
      );
    });

    it('the window is set by the first increment and not extended by later ones', async () => {
      const counter = key();
      await store.increment(counter, 1000);
      await sleep(600);
      assert.equal(await store.increment(counter, 1000), 2, 'still in the window');
      await sleep(550);
      assert.equal(await store.increment(counter, 1000), 1, 'a new window: the second increment did not extend the first');
    });

    it('removeFromSet removes one member and tolerates missing ones', async () => {
      const set = key();
      await store.addToSet(set, 'a', Number.POSITIVE_INFINITY);
      await store.addToSet(set, 'b', Number.POSITIVE_INFINITY);
      await peer.removeFromSet(set, 'a');
      assert.deepEqual(await store.members(set), ['b']);
      await store.removeFromSet(set, 'missing');
      await store.removeFromSet(key(), 'nothing');
      await store.removeFromSet(set, 'b');
      assert.deepEqual(await store.members(set), []);
    });

    it("removeFromSet keeps the set's expiry", async () => {
      const set = key();
      await store.addToSet(set, 'a', 300);
      await store.addToSet(set, 'b', 300);
      await store.removeFromSet(set, 'a');
      assert.deepEqual(await store.members(set), ['b']);
      await sleep(500);
      assert.deepEqual(await store.members(set), []);
    });
  });
}
