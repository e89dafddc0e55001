/**
 * Cross-device sign-in over HTTP, on both stores: the desktop's link and match
 * code, the phone's page, message and signature, the desktop's event stream
 * (within a second) and its finish with its own cookie; then every refusal:
 * a wrong, expired or used link, a proof for another interaction, a desktop
 * without the interaction cookie, a second finish, too many waiting pages,
 * the `cross_device` rate limit. On Redis, also two instances: the phone on
 * instance B while the desktop waits on instance A.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { decodeJwt } from 'jose';
import supertest from 'supertest';
import { generateJwks } from '../../src/config/keys.js';
import { openEventStream } from '../support/event-stream.js';
import { captureLogs } from '../support/log-capture.js';
import {
  type Agent,
  type AnyWallet,
  authorizeUrl,
  exchangeCode,
  follow,
  newAuthRequest,
  startInteraction,
  type AuthRequest,
} from '../support/flow.js';
import { agentCookies } from '../support/raw-request.js';
import { BACKENDS, newNamespace, startServer, type StartOptions, type TestServer } from '../support/server.js';
import { FIRST_PARTY } from '../support/test-clients.js';

interface Desktop {
  agent: Agent;
  request: AuthRequest;
  uid: string;
  cookie: string;
  link: string;
  code: string;
  handle: string;
}

const JSON_ACCEPT = 'application/json';

async function desktopShows(server: TestServer): Promise<Desktop> {
  const agent = supertest.agent(server.issuer);
  const request = newAuthRequest(FIRST_PARTY.client_id);
  const uid = await startInteraction(agent, authorizeUrl(request));
  const cookie = agentCookies(agent, server.issuer, `/interaction/${uid}`);
  const shown = await agent.post(`/interaction/${uid}/cross-device`).set('Accept', JSON_ACCEPT);
  assert.equal(shown.status, 200, shown.text);
  const { link, code, qr } = shown.body as { link: string; code: string; qr: string };
  assert.match(qr, /^data:image\/svg\+xml;base64,/);
  return { agent, request, uid, cookie, link, code, handle: link.slice(link.lastIndexOf('/') + 1) };
}

async function messageFor(origin: string, handle: string, address: string): Promise<string> {
  const built = await supertest(origin).get(`/sign/${handle}/message?address=${address}&chainId=1`).set('Accept', JSON_ACCEPT);
  assert.equal(built.status, 200, built.text);
  return built.body.message as string;
}

function postSignature(origin: string, handle: string, message: string, signature: string) {
  return supertest(origin).post(`/sign/${handle}`).set('Accept', JSON_ACCEPT).send({ message, signature });
}

async function phoneSigns(origin: string, handle: string, wallet: AnyWallet) {
  const message = await messageFor(origin, handle, wallet.address);
  return postSignature(origin, handle, message, await wallet.signMessage(message));
}

const finishOf = (desktop: Desktop, origin?: string) =>
  (origin
    ? supertest(origin).post(`/interaction/${desktop.uid}/cross-device/finish`).set('Cookie', desktop.cookie)
    : desktop.agent.post(`/interaction/${desktop.uid}/cross-device/finish`)
  ).set('Accept', JSON_ACCEPT);

/** The finish, the redirects to the RP, the code exchange: the ID token's `sub`. */
async function subjectAfterFinish(desktop: Desktop, origin?: string): Promise<string> {
  const finished = await finishOf(desktop, origin);
  assert.equal(finished.status, 200, finished.text);
  const callback = await follow(desktop.agent, finished.body.redirectTo);
  assert.ok(callback.searchParams.get('code'), `the RP got a code: ${callback.href}`);
  const tokens = await exchangeCode(desktop.agent, FIRST_PARTY, callback, desktop.request);
  assert.equal(tokens.status, 200, tokens.text);
  return String(decodeJwt(tokens.body.id_token as string).sub);
}

for (const backend of BACKENDS) {
  describe(`cross-device sign-in (${backend})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    const servers: TestServer[] = [];
    const start = async (options: StartOptions = {}) => {
      const started = await startServer({ backend, ...options });
      servers.push(started);
      return started;
    };

    before(async () => {
      server = await start();
    });
    after(async () => {
      await Promise.all(servers.map((each) => each.close()));
    });

    it('the phone signs on /sign/<handle>; the waiting desktop hears of it within a second and finishes as the phone wallet', async () => {
      const desktop = await desktopShows(server);
      assert.match(desktop.link, new RegExp(`^${server.issuer}/sign/[A-Za-z0-9_-]{24}$`), '144 random bits, base64url');
      assert.match(desktop.code, /^[1-9]\d$/);
      const again = await desktop.agent.post(`/interaction/${desktop.uid}/cross-device`).set('Accept', JSON_ACCEPT);
      assert.equal(again.body.link, desktop.link, 'a reload shows the same link while it is unused');

      const stream = await openEventStream(server.issuer, `/interaction/${desktop.uid}/cross-device/events`, { Cookie: desktop.cookie });
      assert.equal(stream.status, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);

      const page = await supertest(server.issuer).get(`/sign/${desktop.handle}`).set('Accept', 'text/html');
      assert.equal(page.status, 200);
      assert.match(page.text, new RegExp(`<p class="match-code" id="match-code">${desktop.code}</p>`));
      assert.match(page.text, /First Party App/);
      assert.ok(page.text.includes(`<code>${server.issuer}</code>`), 'the page names our origin');
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);

      const wallet = Wallet.createRandom();
      const message = await messageFor(server.issuer, desktop.handle, wallet.address);
      assert.match(message, /Nonce: [0-9a-f]{32}\n/);
      const signed = await postSignature(server.issuer, desktop.handle, message, await wallet.signMessage(message));
      assert.equal(signed.status, 200, signed.text);
      assert.deepEqual(signed.body, { status: 'signed', code: desktop.code });
      const signedAt = Date.now();
      assert.equal(await stream.next(), 'proof');
      assert.ok(Date.now() - signedAt < 1000, `the desktop heard within a second (${Date.now() - signedAt} ms)`);
      await stream.ended;

      assert.equal(await subjectAfterFinish(desktop), wallet.address);
      const twice = await finishOf(desktop);
      assert.equal(twice.status, 400, 'the interaction is over: a proof finishes it once');
    });

    it('a wrong, malformed, expired or used link gets a clear 404 page; an ended sign-in too', async () => {
      const desktop = await desktopShows(server);
      const phone = supertest(server.issuer);
      const wrong = randomBytes(18).toString('base64url');
      for (const handle of [wrong, 'short', `${desktop.handle}x`, encodeURIComponent('ä'.repeat(24))]) {
        const page = await phone.get(`/sign/${handle}`).set('Accept', 'text/html');
        assert.equal(page.status, 404, handle);
        assert.match(page.text, /<p class="error-code">invalid_link<\/p>/);
        assert.match(page.text, /this sign-in link is wrong, has expired or was already used/);
      }

      // Used: once a signature verified, the link is gone.
      const wallet = Wallet.createRandom();
      assert.equal((await phoneSigns(server.issuer, desktop.handle, wallet)).status, 200);
      const used = await phone.get(`/sign/${desktop.handle}`).set('Accept', JSON_ACCEPT);
      assert.deepEqual([used.status, used.body.error], [404, 'invalid_link']);
      const replay = await phoneSigns(server.issuer, desktop.handle, wallet).catch(() => undefined);
      assert.equal(replay, undefined, 'no message for a used link either');

      // Expired: a link's record lives as long as its interaction; gone with it, refused the same way.
      const other = await desktopShows(server);
      await server.store.set(`xdevice:handle:${other.handle}`, { uid: other.uid, code: other.code }, 50);
      await new Promise((resolve) => setTimeout(resolve, 120));
      const expired = await phone.get(`/sign/${other.handle}`).set('Accept', JSON_ACCEPT);
      assert.deepEqual([expired.status, expired.body.error], [404, 'invalid_link']);

      // Ended: the desktop cancelled the sign-in.
      const cancelled = await desktopShows(server);
      assert.equal((await cancelled.agent.post(`/interaction/${cancelled.uid}/abort`).set('Accept', JSON_ACCEPT)).status, 200);
      const ended = await phone.get(`/sign/${cancelled.handle}`).set('Accept', JSON_ACCEPT);
      assert.deepEqual([ended.status, ended.body.error], [404, 'invalid_link']);
    });

    it('a proof for another interaction never finishes this one; a refused signature leaves the link usable', async () => {
      const mine = await desktopShows(server);
      const theirs = await desktopShows(server);
      const wallet = Wallet.createRandom();

      // Their message (their nonce) sent with my link: refused, and my link still works afterwards.
      const theirMessage = await messageFor(server.issuer, theirs.handle, wallet.address);
      const crossed = await postSignature(server.issuer, mine.handle, theirMessage, await wallet.signMessage(theirMessage));
      assert.deepEqual([crossed.status, crossed.body.error], [400, 'nonce_mismatch']);

      // They sign for their own interaction: my desktop has nothing to finish, and their proof cannot be taken with my cookie.
      assert.equal((await phoneSigns(server.issuer, theirs.handle, wallet)).status, 200);
      const mineFinish = await finishOf(mine);
      assert.deepEqual([mineFinish.status, mineFinish.body.error], [409, 'no_proof']);
      const theirsWithMyCookie = await supertest(server.issuer)
        .post(`/interaction/${theirs.uid}/cross-device/finish`)
        .set('Cookie', mine.cookie)
        .set('Accept', JSON_ACCEPT);
      assert.deepEqual([theirsWithMyCookie.status, theirsWithMyCookie.body.error], [400, 'invalid_interaction']);

      // My link was not used up by the refused attempt.
      const me = Wallet.createRandom();
      assert.equal((await phoneSigns(server.issuer, mine.handle, me)).status, 200);
      assert.equal(await subjectAfterFinish(mine), me.address);
      assert.equal(await subjectAfterFinish(theirs), wallet.address);
    });

    it('the link grants nothing without the desktop’s interaction cookie', async () => {
      const desktop = await desktopShows(server);
      const wallet = Wallet.createRandom();
      assert.equal((await phoneSigns(server.issuer, desktop.handle, wallet)).status, 200);
      const bare = supertest(server.issuer);
      const noCookie = await bare.post(`/interaction/${desktop.uid}/cross-device/finish`).set('Accept', JSON_ACCEPT);
      assert.deepEqual([noCookie.status, noCookie.body.error], [400, 'invalid_interaction']);
      const noStream = await openEventStream(server.issuer, `/interaction/${desktop.uid}/cross-device/events`, { Accept: JSON_ACCEPT });
      assert.equal(noStream.status, 400);
      assert.match(await noStream.text(), /invalid_interaction/);
      // The phone's own requests carry no cookie of the interaction: the link cannot finish it either.
      const viaLink = await bare.post(`/sign/${desktop.handle}/finish`).set('Accept', JSON_ACCEPT);
      assert.equal(viaLink.status, 404);
      // The desktop itself still can, once.
      assert.equal(await subjectAfterFinish(desktop), wallet.address);
    });

    it('the phone’s signature is a login attempt of the audit trail: refused and accepted', async () => {
      const desktop = await desktopShows(server);
      const wallet = Wallet.createRandom();
      const message = await messageFor(server.issuer, desktop.handle, wallet.address);
      const logs = captureLogs();
      try {
        const refused = await postSignature(server.issuer, desktop.handle, message, await Wallet.createRandom().signMessage(message));
        assert.equal(refused.body.error, 'invalid_signature');
        assert.equal((await postSignature(server.issuer, desktop.handle, message, await wallet.signMessage(message))).status, 200);
        const events = logs.find({ event: 'login', client_id: FIRST_PARTY.client_id, address: wallet.address });
        assert.deepEqual(
          events.map((line) => [line.outcome, line.wallet_type]),
          [
            ['invalid_signature', null],
            ['success', 'eoa'],
          ],
        );
        assert.equal(events[0]!.reference, refused.body.reference);
      } finally {
        logs.restore();
      }
    });

    it('a proof recorded before the desktop connects is sent at once', async () => {
      const desktop = await desktopShows(server);
      assert.equal((await phoneSigns(server.issuer, desktop.handle, Wallet.createRandom())).status, 200);
      const stream = await openEventStream(server.issuer, `/interaction/${desktop.uid}/cross-device/events`, { Cookie: desktop.cookie });
      assert.equal(await stream.next(), 'proof');
    });

    it('at most CROSS_DEVICE_MAX_WAITING pages wait per client address; RATE_LIMITS cross_device counts every request', async () => {
      const limited = await start({ env: { CROSS_DEVICE_MAX_WAITING: '2', RATE_LIMITS: 'cross_device=6/minute' } });
      const desktop = await desktopShows(limited); // 1
      const path = `/interaction/${desktop.uid}/cross-device/events`;
      const first = await openEventStream(limited.issuer, path, { Cookie: desktop.cookie }); // 2
      const second = await openEventStream(limited.issuer, path, { Cookie: desktop.cookie }); // 3
      const third = await openEventStream(limited.issuer, path, { Cookie: desktop.cookie, Accept: JSON_ACCEPT }); // 4
      assert.deepEqual([first.status, second.status, third.status], [200, 200, 429]);
      assert.match(await third.text(), /too many sign-in pages of your network are waiting/);
      first.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await openEventStream(limited.issuer, path, { Cookie: desktop.cookie }); // 5
      assert.equal(again.status, 200, 'a closed page frees its place');
      second.close();
      again.close();
      const phone = supertest(limited.issuer);
      assert.equal((await phone.get(`/sign/${desktop.handle}`)).status, 200); // 6
      const refused = await phone.get(`/sign/${desktop.handle}`).set('Accept', JSON_ACCEPT); // 7
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error, 'too_many_requests');
      assert.match(String(refused.headers['retry-after']), /^\d+$/);
    });

    if (backend === 'redis') {
      it('two instances on one Redis: the phone signs on B while the desktop waits on A', async () => {
        const shared = { jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace: newNamespace() };
        const a = await start({ shared });
        // One ISSUER for both, as behind a load balancer; the test reaches each on its own port.
        const b = await start({ shared, env: { ISSUER: a.issuer } });
        const bDirect = `http://127.0.0.1:${(b.server.address() as { port: number }).port}`;
        const desktop = await desktopShows(a);
        const stream = await openEventStream(a.issuer, `/interaction/${desktop.uid}/cross-device/events`, { Cookie: desktop.cookie });
        assert.equal(stream.status, 200);
        const wallet = Wallet.createRandom();
        assert.equal((await supertest(bDirect).get(`/sign/${desktop.handle}`)).status, 200, 'B finds the link A made');
        const message = await messageFor(bDirect, desktop.handle, wallet.address);
        const signed = await postSignature(bDirect, desktop.handle, message, await wallet.signMessage(message));
        assert.equal(signed.status, 200, signed.text);
        const signedAt = Date.now();
        assert.equal(await stream.next(), 'proof');
        assert.ok(Date.now() - signedAt < 1000, `A heard of B's proof within a second (${Date.now() - signedAt} ms)`);
        assert.equal(await subjectAfterFinish(desktop), wallet.address);
      });
    }
  });
}
