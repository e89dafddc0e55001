/**
 * Every POST /interaction/:uid/login writes one `login` audit event, success
 * or refusal, field by field; nothing else writes one; and no cookie,
 * authorization header, client secret, code, token or signature appears in
 * any log line during a whole login, token exchange, refresh and userinfo.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import {
  authorizeUrl,
  basicAuth,
  exchangeCode,
  follow,
  getInteraction,
  messageFor,
  newAuthRequest,
  startInteraction,
  type Agent,
  type AnyWallet,
} from '../support/flow.js';
import { captureLogs, type LogCapture, type LogLine } from '../support/log-capture.js';
import { startServer, type TestServer } from '../support/server.js';
import { FIRST_PARTY } from '../support/test-clients.js';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const REFERENCE = /^[A-Za-z0-9_-]{8}$/;
const EVENT_FIELDS = [
  'event',
  'outcome',
  'address',
  'client_id',
  'chain_id',
  'wallet_type',
  'client_address',
  'reference',
  'request_id',
].sort();

function post(agent: Agent, uid: string, requestId: string, body: Record<string, string>) {
  return agent.post(`/interaction/${uid}/login`).set('Accept', 'application/json').set('X-Request-Id', requestId).send(body);
}

/** The one login event of the request `requestId`. */
function eventOf(logs: LogCapture, requestId: string): LogLine {
  const events = logs.find({ event: 'login', request_id: requestId });
  assert.equal(events.length, 1, `one login event for ${requestId}:\n${logs.text()}`);
  const event = events[0]!;
  assert.equal(event.level, 'info');
  assert.match(event.time, ISO_TIME);
  const { level: _level, time: _time, msg: _msg, ...fields } = event;
  assert.deepEqual(Object.keys(fields).sort(), EVENT_FIELDS, 'every field, and nothing else');
  return event;
}

describe('login audit events', () => {
  let server: TestServer;
  let logs: LogCapture;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.close());
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  /** A started interaction for FIRST_PARTY and the message `wallet` would sign for it. */
  async function begin(wallet: AnyWallet, chainId?: number) {
    const agent = supertest.agent(server.issuer);
    const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
    const view = await getInteraction(agent, uid);
    const message = messageFor(view, wallet.address, chainId ? { chainId } : {});
    return { agent, uid, message };
  }

  it('a success: address, client_id, chain id, wallet type, client address, a fresh reference, the request id', async () => {
    const wallet = Wallet.createRandom();
    const { agent, uid, message } = await begin(wallet);
    const signature = await wallet.signMessage(message);
    logs.clear();
    const login = await post(agent, uid, 'audit-success', { message, signature });
    assert.equal(login.status, 200, login.text);
    const event = eventOf(logs, 'audit-success');
    assert.equal(event.msg, 'login succeeded');
    assert.equal(event.event, 'login');
    assert.equal(event.outcome, 'success');
    assert.equal(event.address, wallet.address);
    assert.equal(event.client_id, FIRST_PARTY.client_id);
    assert.equal(event.chain_id, 1);
    assert.equal(event.wallet_type, 'eoa');
    assert.equal(event.client_address, '127.0.0.1');
    assert.match(String(event.reference), REFERENCE);
    assert.equal(event.request_id, 'audit-success');
    assert.ok(!logs.text().includes(signature), 'no signature');
    assert.ok(!logs.text().includes(message.split('\n')[0]!), 'no message text');
    assert.equal(logs.lines().length, 1, `nothing else logged:\n${logs.text()}`);
  });

  it('a refused signature: the error code, the claimed address, client and chain, the reference the answer shows', async () => {
    const wallet = Wallet.createRandom();
    const { agent, uid, message } = await begin(wallet);
    const signature = await Wallet.createRandom().signMessage(message);
    const login = await post(agent, uid, 'audit-refused', { message, signature });
    assert.equal(login.status, 400, login.text);
    assert.equal(login.body.error, 'invalid_signature');
    const event = eventOf(logs, 'audit-refused');
    assert.equal(event.msg, 'login refused: invalid_signature');
    assert.equal(event.event, 'login');
    assert.equal(event.outcome, 'invalid_signature');
    assert.equal(event.address, wallet.address, 'the address the message claims');
    assert.equal(event.client_id, FIRST_PARTY.client_id);
    assert.equal(event.chain_id, 1);
    assert.equal(event.wallet_type, null);
    assert.equal(event.client_address, '127.0.0.1');
    assert.equal(event.reference, login.body.reference);
    assert.match(String(event.reference), REFERENCE);
    assert.equal(event.request_id, 'audit-refused');
    assert.ok(!logs.text().includes(signature), 'no signature');
  });

  it('a chain not allowed: the chain id the message claims', async () => {
    const wallet = Wallet.createRandom();
    const { agent, uid, message } = await begin(wallet, 5);
    const login = await post(agent, uid, 'audit-chain', { message, signature: await wallet.signMessage(message) });
    assert.equal(login.body.error, 'chain_not_allowed');
    const event = eventOf(logs, 'audit-chain');
    assert.equal(event.outcome, 'chain_not_allowed');
    assert.equal(event.chain_id, 5);
    assert.equal(event.address, wallet.address);
    assert.equal(event.reference, login.body.reference);
  });

  it('a message that does not parse: no address or chain, the client still known', async () => {
    const { agent, uid } = await begin(Wallet.createRandom());
    const login = await post(agent, uid, 'audit-malformed', { message: 'not a SIWE message', signature: '0x1234' });
    assert.equal(login.body.error, 'malformed_message');
    const event = eventOf(logs, 'audit-malformed');
    assert.equal(event.outcome, 'malformed_message');
    assert.equal(event.address, null);
    assert.equal(event.chain_id, null);
    assert.equal(event.client_id, FIRST_PARTY.client_id);
    assert.equal(event.reference, login.body.reference);
  });

  it('an unknown interaction: the claimed address, no client', async () => {
    const wallet = Wallet.createRandom();
    const { message } = await begin(wallet);
    const login = await post(supertest.agent(server.issuer), 'no-such-uid', 'audit-unknown', {
      message,
      signature: await wallet.signMessage(message),
    });
    assert.equal(login.status, 400);
    const event = eventOf(logs, 'audit-unknown');
    assert.equal(event.outcome, login.body.error);
    assert.equal(event.outcome, 'invalid_interaction');
    assert.equal(event.address, wallet.address);
    assert.equal(event.client_id, null);
    assert.equal(event.reference, login.body.reference);
  });

  it('a body refused before the handler runs, and an HTML form: still one event each', async () => {
    const { agent, uid } = await begin(Wallet.createRandom());
    const text = await agent
      .post(`/interaction/${uid}/login`)
      .set('X-Request-Id', 'audit-415')
      .set('Content-Type', 'text/plain')
      .send('hello');
    assert.equal(text.status, 415);
    const refused = eventOf(logs, 'audit-415');
    assert.equal(refused.outcome, 'invalid_request');
    assert.deepEqual([refused.address, refused.client_id, refused.chain_id, refused.wallet_type], [null, null, null, null]);

    const form = await agent
      .post(`/interaction/${uid}/login`)
      .set('X-Request-Id', 'audit-form')
      .type('form')
      .send({ message: 'not a SIWE message', signature: '0x1234' });
    assert.equal(form.status, 400);
    const event = eventOf(logs, 'audit-form');
    assert.equal(event.outcome, 'malformed_message');
    assert.ok(form.text.includes(String(event.reference)), 'the page shows the reference of the event');
  });

  it('every spelling of the login path the router serves is an attempt: upper case, a trailing slash', async () => {
    const wallet = Wallet.createRandom();
    const { agent, uid, message } = await begin(wallet);
    const signature = await Wallet.createRandom().signMessage(message);
    for (const [path, requestId] of [
      [`/INTERACTION/${uid}/LOGIN`, 'audit-upper'],
      [`/interaction/${uid}/login/`, 'audit-slash'],
    ] as const) {
      const login = await agent.post(path).set('Accept', 'application/json').set('X-Request-Id', requestId).send({ message, signature });
      assert.equal(login.status, 400, `${path}: ${login.text}`);
      const event = eventOf(logs, requestId);
      assert.equal(event.outcome, login.body.error, path);
      assert.equal(event.address, wallet.address, path);
      assert.equal(event.reference, login.body.reference, path);
    }
  });

  it('other interaction requests write no login event', async () => {
    const { agent, uid } = await begin(Wallet.createRandom());
    await agent.get(`/interaction/${uid}/message`).set('Accept', 'application/json');
    await agent.post(`/interaction/${uid}/abort`).set('Accept', 'application/json').send({});
    await agent.get('/interaction/no-such-uid').set('Accept', 'application/json');
    assert.deepEqual(logs.find({ event: 'login' }), []);
  });
});

describe('no secret in the logs', () => {
  let server: TestServer;
  let logs: LogCapture;
  /** Every cookie value, authorization header and Set-Cookie value the server saw or sent. */
  const secrets = new Set<string>();
  const record = (value: string | undefined | null) => {
    if (value && value.length >= 8) secrets.add(value);
  };

  before(async () => {
    server = await startServer();
    server.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      record(request.headers.authorization);
      record(request.headers.authorization?.split(' ')[1]);
      for (const cookie of request.headers.cookie?.split(';') ?? []) record(cookie.trim().split('=')[1]);
      response.once('finish', () => {
        const set = response.getHeader('set-cookie');
        for (const cookie of Array.isArray(set) ? set : set ? [String(set)] : []) record(cookie.split(';')[0]!.split('=')[1]);
      });
    });
  });
  after(() => server?.close());
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('a whole login, token exchange, userinfo, refresh and a replayed code: no cookie, header, secret, code, token or signature logged', async () => {
    const agent = supertest.agent(server.issuer);
    const wallet = Wallet.createRandom();
    const request = newAuthRequest(FIRST_PARTY.client_id, { scope: 'openid offline_access', prompt: 'consent' });
    const uid = await startInteraction(agent, authorizeUrl(request));
    const view = await getInteraction(agent, uid);
    const message = messageFor(view, wallet.address);
    // A refused attempt first (logged), then the real one.
    await post(agent, uid, 'secret-refused', { message, signature: await Wallet.createRandom().signMessage(message) });
    const signature = await wallet.signMessage(message);
    const login = await post(agent, uid, 'secret-login', { message, signature });
    assert.equal(login.status, 200, login.text);
    let callback = await follow(agent, login.body.redirectTo);
    if (callback.pathname.startsWith('/interaction/')) {
      const consent = await agent.post(`${callback.pathname}/confirm`).set('Accept', 'application/json').send({});
      assert.equal(consent.status, 200, consent.text);
      callback = await follow(agent, consent.body.redirectTo);
    }
    const code = callback.searchParams.get('code')!;
    const token = await exchangeCode(agent, FIRST_PARTY, callback, request);
    assert.equal(token.status, 200, token.text);
    const userinfo = await agent.get('/me').set('Authorization', `Bearer ${token.body.access_token}`);
    assert.equal(userinfo.status, 200);
    const refreshed = await agent
      .post('/token')
      .set('Authorization', basicAuth(FIRST_PARTY))
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token });
    assert.equal(refreshed.status, 200, refreshed.text);
    // A replayed code is refused (and revokes what it gave).
    const replay = await exchangeCode(agent, FIRST_PARTY, callback, request);
    assert.equal(replay.status, 400);
    const bad = await agent.get('/me').set('Authorization', 'Bearer not-a-token-but-still-secret');
    assert.equal(bad.status, 401);

    for (const value of [
      signature,
      code,
      request.codeVerifier,
      String(FIRST_PARTY.client_secret),
      token.body.access_token,
      token.body.id_token,
      token.body.refresh_token,
      refreshed.body.access_token,
      refreshed.body.refresh_token,
      'not-a-token-but-still-secret',
    ]) {
      record(value);
    }
    assert.ok(secrets.size >= 15, `the recorder saw the cookies and headers (${secrets.size} values)`);
    const text = logs.text();
    assert.ok(logs.find({ event: 'login' }).length === 2, `the attempts were logged:\n${text}`);
    for (const secret of secrets) assert.ok(!text.includes(secret), `a log line holds ${secret}:\n${text}`);
  });
});
