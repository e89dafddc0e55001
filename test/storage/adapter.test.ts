import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { errors } from 'oidc-provider';
import type { AdapterConstructor, AdapterPayload } from 'oidc-provider';
import { createAdapter } from '../../src/storage/adapter.js';
import { backends, sleep } from '../support/storage-backends.js';

const epoch = () => Math.floor(Date.now() / 1000);
const id = () => randomUUID();

/** Payload the way oidc-provider hands it to upsert(). */
function payload(kind: string, jti: string, extra: AdapterPayload = {}, ttl = 600): AdapterPayload {
  return { kind, jti, iat: epoch(), exp: epoch() + ttl, clientId: 'client-1', ...extra };
}

for (const backend of backends()) {
  describe(`oidc-provider adapter (${backend.name})`, () => {
    let Adapter: AdapterConstructor;
    let PeerAdapter: AdapterConstructor;

    before(async () => {
      Adapter = createAdapter(await backend.open());
      PeerAdapter = createAdapter(await backend.peer());
    });

    after(() => backend.cleanup());

    /** Stores a Grant and its tokens, as an authorization-code flow leaves them. */
    async function seedGrant() {
      const grantId = id();
      const ids = { code: id(), access: id(), refresh: id(), device: id(), userCode: `UC-${id()}` };
      await new Adapter('Grant').upsert(grantId, payload('Grant', grantId, { accountId: 'acct' }), 600);
      await new Adapter('AuthorizationCode').upsert(ids.code, payload('AuthorizationCode', ids.code, { grantId }), 60);
      await new Adapter('AccessToken').upsert(ids.access, payload('AccessToken', ids.access, { grantId }), 3600);
      await new Adapter('RefreshToken').upsert(ids.refresh, payload('RefreshToken', ids.refresh, { grantId }), 86_400);
      await new Adapter('DeviceCode').upsert(ids.device, payload('DeviceCode', ids.device, { grantId, userCode: ids.userCode }), 600);
      return { grantId, ...ids };
    }

    async function remaining(seed: Awaited<ReturnType<typeof seedGrant>>) {
      return {
        grant: await new Adapter('Grant').find(seed.grantId),
        code: await new Adapter('AuthorizationCode').find(seed.code),
        access: await new Adapter('AccessToken').find(seed.access),
        refresh: await new Adapter('RefreshToken').find(seed.refresh),
        device: await new Adapter('DeviceCode').find(seed.device),
        byUserCode: await new Adapter('DeviceCode').findByUserCode(seed.userCode),
      };
    }

    it('upserts and finds a payload per model', async () => {
      const jti = id();
      const stored = payload('AccessToken', jti, { accountId: 'acct', scope: 'openid' });
      await new Adapter('AccessToken').upsert(jti, stored, 60);
      assert.deepEqual(await new Adapter('AccessToken').find(jti), stored);
      assert.deepEqual(await new PeerAdapter('AccessToken').find(jti), stored);
      assert.equal(await new Adapter('RefreshToken').find(jti), undefined);
      assert.equal(await new Adapter('AccessToken').find(id()), undefined);
    });

    it('upsert replaces the payload', async () => {
      const jti = id();
      await new Adapter('Interaction').upsert(jti, payload('Interaction', jti, { returnTo: '/a' }), 60);
      await new Adapter('Interaction').upsert(jti, payload('Interaction', jti, { returnTo: '/b' }), 60);
      assert.equal((await new Adapter('Interaction').find(jti))?.returnTo, '/b');
    });

    it('finds a Session by uid and a DeviceCode by user code', async () => {
      const sessionId = id();
      const uid = id();
      await new Adapter('Session').upsert(sessionId, payload('Session', sessionId, { uid, accountId: 'acct' }), 60);
      assert.equal((await new Adapter('Session').findByUid(uid))?.jti, sessionId);
      assert.equal(await new Adapter('Session').findByUid(id()), undefined);

      const deviceId = id();
      const userCode = `UC-${id()}`;
      await new Adapter('DeviceCode').upsert(deviceId, payload('DeviceCode', deviceId, { userCode }), 60);
      assert.equal((await new Adapter('DeviceCode').findByUserCode(userCode))?.jti, deviceId);
      assert.equal(await new Adapter('DeviceCode').findByUserCode('nope'), undefined);
    });

    it('destroy removes the payload and its lookups', async () => {
      const sessionId = id();
      const uid = id();
      const session = new Adapter('Session');
      await session.upsert(sessionId, payload('Session', sessionId, { uid }), 60);
      await session.destroy(sessionId);
      assert.equal(await session.find(sessionId), undefined);
      assert.equal(await session.findByUid(uid), undefined);

      const deviceId = id();
      const userCode = `UC-${id()}`;
      const device = new Adapter('DeviceCode');
      await device.upsert(deviceId, payload('DeviceCode', deviceId, { userCode }), 60);
      await device.destroy(deviceId);
      assert.equal(await device.findByUserCode(userCode), undefined);
      await device.destroy(deviceId); // destroying twice is fine
    });

    it('forgets payloads after expiresIn seconds', async function () {
      this.timeout(5000);
      const jti = id();
      const uid = id();
      await new Adapter('Session').upsert(jti, payload('Session', jti, { uid }, 1), 1);
      assert.ok(await new Adapter('Session').find(jti));
      await sleep(1150);
      assert.equal(await new Adapter('Session').find(jti), undefined);
      assert.equal(await new Adapter('Session').findByUid(uid), undefined);
    });

    it('consume marks the payload consumed, as find() shows', async () => {
      const jti = id();
      const token = new Adapter('RefreshToken');
      await token.upsert(jti, payload('RefreshToken', jti, { grantId: id() }), 60);
      const before = epoch();
      await token.consume(jti);
      const found = await new PeerAdapter('RefreshToken').find(jti);
      assert.ok(found);
      assert.equal(typeof found.consumed, 'number');
      assert.ok(found.consumed >= before && found.consumed <= epoch());
    });

    it('an authorization code: find() reads no marker, consume() alone refuses a second use', async () => {
      const seed = await seedGrant();
      await new Adapter('AuthorizationCode').consume(seed.code);
      const found = await new PeerAdapter('AuthorizationCode').find(seed.code);
      assert.ok(found, 'the code is still found (oidc-provider reads consumed only right before consume())');
      assert.equal(found.consumed, undefined);
      await assert.rejects(new PeerAdapter('AuthorizationCode').consume(seed.code), errors.InvalidGrant);
      assert.equal(await new Adapter('Grant').find(seed.grantId), undefined, 'the replay revoked the grant');
    });

    it('consume of an unknown artifact is invalid_grant', async () => {
      await assert.rejects(new Adapter('AuthorizationCode').consume(id()), errors.InvalidGrant);
    });

    it('consume race: of 20 concurrent consumes exactly one wins, the grant is revoked', async () => {
      const seed = await seedGrant();
      const other = await seedGrant();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => new (i % 2 === 0 ? Adapter : PeerAdapter)('AuthorizationCode').consume(seed.code)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(rejected.length, 19);
      for (const { reason } of rejected) {
        assert.ok(reason instanceof errors.InvalidGrant, String(reason));
        assert.equal(reason.error, 'invalid_grant');
      }
      assert.deepEqual(await remaining(seed), {
        grant: undefined,
        code: undefined,
        access: undefined,
        refresh: undefined,
        device: undefined,
        byUserCode: undefined,
      });
      const untouched = await remaining(other);
      for (const [name, value] of Object.entries(untouched)) assert.ok(value, `${name} of the other grant survives`);
    });

    it('a second, later consume is refused and revokes the grant', async () => {
      const seed = await seedGrant();
      await new Adapter('AuthorizationCode').consume(seed.code);
      await assert.rejects(new PeerAdapter('AuthorizationCode').consume(seed.code), (error: unknown) => {
        assert.ok(error instanceof errors.InvalidGrant);
        assert.equal(error.error_detail, 'authorization code already used');
        return true;
      });
      assert.equal(await new Adapter('Grant').find(seed.grantId), undefined);
      assert.equal(await new Adapter('RefreshToken').find(seed.refresh), undefined);
    });

    it('revokeByGrantId removes every token of the grant, keeps the Grant record, and touches nothing else', async () => {
      const seed = await seedGrant();
      const other = await seedGrant();
      const sessionId = id();
      const uid = id();
      await new Adapter('Session').upsert(sessionId, payload('Session', sessionId, { uid }), 600);
      const interactionId = id();
      await new Adapter('Interaction').upsert(interactionId, payload('Interaction', interactionId, { grantId: seed.grantId }), 600);

      // Any model's adapter revokes every token of the grant; the Grant record is oidc-provider's to destroy.
      await new Adapter('AccessToken').revokeByGrantId(seed.grantId);

      const { grant, ...tokens } = await remaining(seed);
      assert.ok(grant, 'the Grant record stays (oidc-provider revokeGrantPolicy decides)');
      assert.deepEqual(tokens, { code: undefined, access: undefined, refresh: undefined, device: undefined, byUserCode: undefined });
      assert.equal(await new Adapter('Interaction').find(interactionId), undefined);
      const untouched = await remaining(other);
      for (const [name, value] of Object.entries(untouched)) assert.ok(value, `${name} of the other grant survives`);
      assert.equal((await new Adapter('Session').findByUid(uid))?.jti, sessionId);

      await new Adapter('RefreshToken').revokeByGrantId(seed.grantId); // again: nothing left, no error
      await new Adapter('RefreshToken').revokeByGrantId(id()); // unknown grant
    });

    it('a replayed code revocation holds for tokens written after it: their Grant is gone', async () => {
      const seed = await seedGrant();
      await new Adapter('AuthorizationCode').consume(seed.code);
      await assert.rejects(new Adapter('AuthorizationCode').consume(seed.code));
      const late = id();
      await new Adapter('AccessToken').upsert(late, payload('AccessToken', late, { grantId: seed.grantId }), 60);
      assert.equal(await new Adapter('Grant').find(seed.grantId), undefined);
    });
  });
}
