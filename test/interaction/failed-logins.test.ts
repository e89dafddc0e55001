/**
 * Failed sign-ins per Ethereum address (RATE_LIMITS' `address`), on both
 * stores: refusals of the message or signature count per pair of Ethereum
 * address and client address; past the limit the pair gets 429 before its
 * signature is even looked at, without burning the nonce; another Ethereum
 * address, or the same one from another client address, is not affected.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { setLogLevel } from '../../src/log.js';
import { authorizeUrl, getInteraction, messageFor, newAuthRequest, startInteraction } from '../support/flow.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { FIRST_PARTY } from '../support/test-clients.js';

for (const backend of BACKENDS) {
  describe(`failed sign-ins per Ethereum address, ${backend} store`, function () {
    this.timeout(20_000);
    let server: TestServer;
    before(async () => {
      setLogLevel('error');
      server = await startServer({ backend, env: { RATE_LIMITS: 'address=2/minute', TRUST_PROXY: '1' } });
    });
    after(async () => {
      await server?.close();
      setLogLevel('info');
    });

    it("two failures lock the pair out of failing attempts; the key's own signature still signs in; the nonce survives; others are not affected", async () => {
      const agent = supertest.agent(server.issuer);
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
      const view = await getInteraction(agent, uid);
      const victim = Wallet.createRandom();
      const stranger = Wallet.createRandom();
      const message = messageFor(view, victim.address);
      const good = await victim.signMessage(message);
      const forged = await stranger.signMessage(message);
      const login = (from: string, text: string, signature: string) =>
        agent
          .post(`/interaction/${uid}/login`)
          .set('Accept', 'application/json')
          .set('X-Forwarded-For', from)
          .send({ message: text, signature });

      const attacker = '203.0.113.7';
      const first = await login(attacker, message, forged);
      assert.equal(first.status, 400, first.text);
      assert.equal(first.body.error, 'invalid_signature');
      // A wrong nonce is a refusal of the message: it counts too.
      const second = await login(attacker, message.replace(view.siwe!.nonce, 'aaaaaaaaaaaaaaaa'), good);
      assert.equal(second.body.error, 'nonce_mismatch', second.text);

      // Over: a signature the key did not make is refused before anything costly (a contract wallet's chain call).
      const locked = await login(attacker, message, forged);
      assert.equal(locked.status, 429, locked.text);
      assert.equal(locked.body.error, 'too_many_requests');
      assert.match(locked.body.error_description, /too many failed sign-ins for this account/);
      assert.ok(locked.body.reference, 'the interaction API gives its reference');
      const retryAfter = Number(locked.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${locked.headers['retry-after']}`);

      // Another Ethereum address from the same client address: its own count.
      const other = messageFor(view, stranger.address);
      const otherForged = await login(attacker, other, await victim.signMessage(other));
      assert.equal(otherForged.body.error, 'invalid_signature', otherForged.text);

      // A message that does not parse names no address: never counted, never locked.
      const garbage = await login(attacker, 'not a SIWE message', good);
      assert.equal(garbage.body.error, 'malformed_message', garbage.text);

      // The same Ethereum address from another client address: its own count, not locked.
      const elsewhere = await login('198.51.100.20', message, forged);
      assert.equal(elsewhere.body.error, 'invalid_signature', elsewhere.text);

      // The key's own signature is proof, never refused for failures (no lock-out of the owner by others behind
      // the same address), and signs in with the same nonce: refusals never burned it.
      const owner = await login(attacker, message, good);
      assert.equal(owner.status, 200, owner.text);
      assert.ok(owner.body.redirectTo);
    });
  });
}
