/**
 * The metrics endpoint on a real server, on both stores: the application
 * (createApp with a Metrics, as main.ts makes it with METRICS_PORT) on one
 * loopback port, the metrics server on another. After a successful sign-in,
 * refused ones, 429s of two limits and token exchanges, GET /metrics shows each
 * counter with the right labels and values; request times are labelled with
 * route names, never a uid; the metrics port serves /metrics and nothing else,
 * and the public port never serves it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { setLogLevel } from '../../src/log.js';
import {
  authorizeUrl,
  exchangeCode,
  follow,
  getInteraction,
  messageFor,
  newAuthRequest,
  postLogin,
  startInteraction,
} from '../support/flow.js';
import { BACKENDS } from '../support/server.js';
import { FIRST_PARTY } from '../support/test-clients.js';
import { samplesOf, sumOf, sampleValue } from './exposition.js';
import { type Running, scrape, start } from './metrics-app.js';

const DURATION_COUNT = 'siwe_idp_http_request_duration_seconds_count';

for (const backend of BACKENDS) {
  describe(`metrics on a real server, ${backend} store`, function () {
    this.timeout(30_000);
    let running: Running;
    before(async () => {
      setLogLevel('error');
      // login: 4 attempts a minute per client address; address: 1 failure a minute per Ethereum and client address.
      running = await start(backend, { RATE_LIMITS: 'login=4/minute,address=1/minute' });
    });
    after(async () => {
      await running?.close();
      setLogLevel('info');
    });

    it('counts sign-ins, refusals, 429s, token exchanges and the requests that carried them, by name', async () => {
      const agent = supertest.agent(running.issuer);
      const uids: string[] = [];

      // 1. A successful sign-in (an EOA), and the code it yields exchanged for tokens.
      const request = newAuthRequest(FIRST_PARTY.client_id);
      const uid = await startInteraction(agent, authorizeUrl(request));
      uids.push(uid);
      const wallet = Wallet.createRandom();
      const message = messageFor(await getInteraction(agent, uid), wallet.address);
      const login = await postLogin(agent, uid, message, await wallet.signMessage(message));
      assert.equal(login.status, 200, login.text);
      const callback = await follow(agent, login.body.redirectTo);
      const tokens = await exchangeCode(agent, FIRST_PARTY, callback, request);
      assert.equal(tokens.status, 200, tokens.text);
      assert.ok(tokens.body.id_token && tokens.body.access_token);
      // The same code again: invalid_grant.
      const replay = await exchangeCode(agent, FIRST_PARTY, callback, request);
      assert.equal(replay.status, 400, replay.text);
      assert.equal(replay.body.error, 'invalid_grant');

      // 2. A refused sign-in (another browser): signed by another key (invalid_signature); the pair's one failure.
      const stranger = supertest.agent(running.issuer);
      const refusedUid = await startInteraction(stranger, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
      uids.push(refusedUid);
      const victim = Wallet.createRandom();
      const victimMessage = messageFor(await getInteraction(stranger, refusedUid), victim.address);
      const forged = await Wallet.createRandom().signMessage(victimMessage);
      const refused = await postLogin(stranger, refusedUid, victimMessage, forged);
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error, 'invalid_signature');

      // 3. The same pair, a signature the key did not make: over the `address` limit, 429 inside the sign-in (an audit event too).
      const locked = await postLogin(stranger, refusedUid, victimMessage, forged);
      assert.equal(locked.status, 429, locked.text);
      assert.equal(locked.body.error, 'too_many_requests');

      // 4. Another address, refused (the fourth attempt from this client address); a fifth is over the
      //    `login` limit: 429 before the sign-in route.
      const other = messageFor(await getInteraction(stranger, refusedUid), Wallet.createRandom().address);
      const otherRefused = await postLogin(stranger, refusedUid, other, forged);
      assert.equal(otherRefused.status, 400, otherRefused.text);
      const limited = await postLogin(stranger, refusedUid, other, forged);
      assert.equal(limited.status, 429, limited.text);

      const { text, samples } = await scrape(running);

      // Sign-ins: one success (eoa); failures by error code. The `login` limit's 429 never reached the sign-in.
      assert.equal(sampleValue(samples, 'siwe_idp_logins_total', { outcome: 'success', error: '', wallet_type: 'eoa' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_logins_total', { outcome: 'success', wallet_type: 'eip1271' }), 0);
      assert.equal(sampleValue(samples, 'siwe_idp_logins_total', { outcome: 'failure', error: 'invalid_signature', wallet_type: '' }), 2);
      assert.equal(sampleValue(samples, 'siwe_idp_logins_total', { outcome: 'failure', error: 'too_many_requests', wallet_type: '' }), 1);
      assert.equal(sumOf(samples, 'siwe_idp_logins_total'), 4);

      // Rate limits: one refusal each; the others exist at 0.
      assert.equal(sampleValue(samples, 'siwe_idp_rate_limited_total', { limit: 'address' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_rate_limited_total', { limit: 'login' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_rate_limited_total', { limit: 'auth' }), 0);
      assert.equal(sampleValue(samples, 'siwe_idp_rate_limited_total', { limit: 'token' }), 0);

      // oidc-provider's events: the grant and its replay, the tokens issued.
      assert.equal(sampleValue(samples, 'siwe_idp_oidc_events_total', { event: 'grant.success' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_oidc_events_total', { event: 'grant.error' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_oidc_events_total', { event: 'authorization.success' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_oidc_events_total', { event: 'interaction.started' }), 2);
      assert.equal(sampleValue(samples, 'siwe_idp_oidc_events_total', { event: 'server_error' }), 0);
      assert.equal(sampleValue(samples, 'siwe_idp_oidc_errors_total', { event: 'grant.error', error: 'invalid_grant' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_token_requests_total', { grant_type: 'authorization_code', result: 'success' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_token_requests_total', { grant_type: 'authorization_code', result: 'invalid_grant' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_tokens_issued_total', { type: 'authorization_code' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_tokens_issued_total', { type: 'access_token' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_tokens_issued_total', { type: 'id_token' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_tokens_issued_total', { type: 'refresh_token' }), 0);

      // Request times by route name: the sign-in route is `login`, whatever its uid; a 429 before routing too.
      assert.equal(sampleValue(samples, DURATION_COUNT, { route: 'login', method: 'POST', status_class: '2xx' }), 1);
      assert.equal(sampleValue(samples, DURATION_COUNT, { route: 'login', method: 'POST', status_class: '4xx' }), 4);
      assert.equal(sampleValue(samples, DURATION_COUNT, { route: 'page', method: 'GET', status_class: '2xx' }), 3);
      assert.equal(sampleValue(samples, DURATION_COUNT, { route: 'authorization', method: 'GET', status_class: '3xx' }), 2);
      assert.equal(sampleValue(samples, DURATION_COUNT, { route: 'resume', method: 'GET', status_class: '3xx' }), 1);
      assert.equal(sampleValue(samples, DURATION_COUNT, { route: 'token', method: 'POST', status_class: '2xx' }), 1);
      assert.equal(sampleValue(samples, DURATION_COUNT, { route: 'token', method: 'POST', status_class: '4xx' }), 1);
      const buckets = samplesOf(samples, 'siwe_idp_http_request_duration_seconds_bucket', { route: 'login', status_class: '2xx' });
      assert.equal(buckets.find((sample) => sample.labels.le === '+Inf')?.value, 1);
      for (const id of uids) assert.ok(!text.includes(id), `no uid in any label (${id})`);
      const routes = new Set(samplesOf(samples, DURATION_COUNT).map((sample) => sample.labels.route));
      for (const route of routes) assert.match(route!, /^[a-z_.]+$/, `a route name, not a path: ${route}`);

      // The store: its calls by operation, every one answered; the limits' counts as `rate_limit`.
      for (const operation of ['get', 'set', 'take', 'set_if_absent', 'rate_limit']) {
        assert.ok(sampleValue(samples, 'siwe_idp_store_operations_total', { operation, result: 'ok' }) > 0, `store ${operation} counted`);
        assert.ok(sampleValue(samples, 'siwe_idp_store_operation_duration_seconds_count', { operation }) > 0, `store ${operation} timed`);
      }
      assert.equal(sumOf(samples, 'siwe_idp_store_operations_total', { result: 'error' }), 0);
      if (backend === 'memory') assert.equal(sampleValue(samples, 'siwe_idp_memory_store_full'), 0);
      else assert.equal(samplesOf(samples, 'siwe_idp_memory_store_full').length, 0, 'Redis has no cap of ours');

      // Node's process metrics, prefixed.
      assert.ok(sampleValue(samples, 'siwe_idp_process_cpu_user_seconds_total') > 0);
      assert.ok(sampleValue(samples, 'siwe_idp_process_resident_memory_bytes') > 0);
      assert.ok(samplesOf(samples, 'siwe_idp_nodejs_eventloop_lag_seconds').length === 1);
      assert.ok(samplesOf(samples, 'siwe_idp_nodejs_heap_size_used_bytes').length === 1);
      // Nothing of prom-client's global registry, nothing unprefixed.
      for (const sample of samples) assert.match(sample.name, /^siwe_idp_/, sample.name);
    });

    it('health checks, assets and unknown paths get their own bounded names', async () => {
      const before = (await scrape(running)).samples;
      const agent = supertest(running.issuer);
      await agent.get('/healthz').expect(200);
      await agent.get('/readyz').expect(200);
      await agent.get('/static/does-not-exist.js');
      await agent.get(`/no/such/${randomBytes(8).toString('hex')}`).expect(404);
      await agent.get('/.well-known/openid-configuration').expect(200);
      const after = (await scrape(running)).samples;
      const delta = (labels: Record<string, string>) =>
        sampleValue(after, DURATION_COUNT, labels) - sampleValue(before, DURATION_COUNT, labels);
      assert.equal(delta({ route: 'healthz', method: 'GET', status_class: '2xx' }), 1);
      assert.equal(delta({ route: 'readyz', method: 'GET', status_class: '2xx' }), 1);
      assert.equal(delta({ route: 'static', method: 'GET', status_class: '4xx' }), 1);
      assert.equal(delta({ route: 'other', method: 'GET', status_class: '4xx' }), 1);
      assert.equal(delta({ route: 'discovery', method: 'GET', status_class: '2xx' }), 1);
      assert.ok(sampleValue(after, 'siwe_idp_store_operations_total', { operation: 'ping', result: 'ok' }) >= 1);
    });

    it('the metrics port answers GET and HEAD /metrics only; the public port never serves metrics', async () => {
      const head = await fetch(`${running.metricsUrl}/metrics`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      for (const [method, path] of [
        ['GET', '/'],
        ['GET', '/metrics/'],
        ['GET', '/METRICS'],
        ['GET', '/healthz'],
        ['GET', '/.well-known/openid-configuration'],
        ['POST', '/metrics'],
        ['DELETE', '/metrics'],
      ] as const) {
        const response = await fetch(`${running.metricsUrl}${path}`, { method });
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal(await response.text(), 'Not Found\n');
      }
      const query = await fetch(`${running.metricsUrl}/metrics?x=1`);
      assert.equal(query.status, 200, 'a query string is ignored');
      const onPublic = await fetch(`${running.issuer}/metrics`);
      assert.equal(onPublic.status, 404);
      assert.doesNotMatch(await onPublic.text(), /siwe_idp_/);
    });
  });
}
