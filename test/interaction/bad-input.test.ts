/**
 * Bad input under /interaction is never a 5xx and never writes. A corpus of
 * malformed requests (broken URLs and cookies, broken, nested and mistyped
 * bodies and queries, look-alike SIWE messages) is thrown at every route in
 * ROUTES, on both store backends, once as a JSON caller and once as a browser.
 * Every answer must be the expected 4xx with its stable `error` code (the JSON
 * member, or the code on the HTML error page), no stack trace, and the store
 * must hold as many keys as before with no write call made, and nothing may be
 * logged as an ERROR.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type Router from '@koa/router';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import type { InteractionView } from '../../src/interaction/view-model.js';
import { FIRST_PARTY, THIRD_PARTY } from '../support/test-clients.js';
import {
  type Agent,
  type AnyWallet,
  authorizeUrl,
  follow,
  getInteraction,
  messageFor,
  newAuthRequest,
  postLogin,
  startInteraction,
} from '../support/flow.js';
import { type BadInputCase, badInputHarness, FORM_TYPE, JSON_TYPE, problemsIn } from '../support/bad-input.js';
import { agentCookies, type RawRequest } from '../support/raw-request.js';
import { BACKENDS, type TestServer } from '../support/server.js';

type Step = 'login' | 'consent';

interface RouteSpec {
  method: 'GET' | 'POST';
  /** As the router knows it. */
  path: string;
  /** The live interaction its otherwise well-formed requests go to. */
  step: Step;
  /** The handler refuses an interaction at the other step. */
  stepOnly?: boolean;
  /** The body fields it takes (POST routes). */
  fields?: string[];
  /** It reads ?address=…&chainId=… */
  query?: boolean;
  /** It verifies a SIWE message. */
  siwe?: boolean;
}

/** Every route under /interaction. A route the router knows but this table lacks fails the test. */
const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/interaction/:uid', step: 'login' },
  { method: 'GET', path: '/interaction/:uid/message', step: 'login', stepOnly: true, query: true },
  { method: 'GET', path: '/interaction/:uid/logo', step: 'login' },
  // Its ?address= is refused as the message route's is (the same reader); ENS's own cases: test/ens/ens-claims.test.ts.
  { method: 'GET', path: '/interaction/:uid/ens', step: 'login', stepOnly: true },
  { method: 'POST', path: '/interaction/:uid/login', step: 'login', stepOnly: true, fields: ['message', 'signature'], siwe: true },
  { method: 'POST', path: '/interaction/:uid/confirm', step: 'consent', stepOnly: true, fields: [] },
  { method: 'POST', path: '/interaction/:uid/abort', step: 'login', fields: [] },
  { method: 'POST', path: '/interaction/:uid/cross-device', step: 'login', stepOnly: true, fields: [] },
  { method: 'GET', path: '/interaction/:uid/cross-device/events', step: 'login', stepOnly: true },
  { method: 'POST', path: '/interaction/:uid/cross-device/finish', step: 'login', stepOnly: true, fields: [] },
];

interface Live {
  uid: string;
  cookie: string;
}

/** What the corpus is built from: live interactions, and a well-formed login attempt and message query. */
interface World {
  live: Record<Step | 'other', Live>;
  view: InteractionView;
  wallet: AnyWallet;
  attempt: { message: string; signature: string };
}

const INVALID_INTERACTION = [400, 'invalid_interaction'] as const;
const INVALID_REQUEST = [400, 'invalid_request'] as const;
const TOO_LARGE = [413, 'invalid_request'] as const;
const UNSUPPORTED = [415, 'invalid_request'] as const;

/** A bare JSON/form body for the route: the well-formed login attempt, or nothing. */
function wellFormed(route: RouteSpec, world: World): Pick<RawRequest, 'headers' | 'body'> {
  return route.fields?.length ? { headers: JSON_TYPE, body: JSON.stringify(world.attempt) } : {};
}

function queryOf(route: RouteSpec, world: World): string {
  return route.query ? `?address=${world.wallet.address}&chainId=1` : '';
}

/** What a case replaces of an otherwise well-formed request: the query (with its "?"), the headers, the body. */
type Input = Partial<Pick<RawRequest, 'headers' | 'body'>> & { query?: string };

/** A request to `route` at `uid` with `cookie`, its input well-formed unless `input` replaces it. */
function requestTo(route: RouteSpec, world: World, uid: string, cookie: string | undefined, input: Input = {}): RawRequest {
  const base = wellFormed(route, world);
  const path = route.path.replace(':uid', uid) + (input.query ?? queryOf(route, world));
  const headers = { ...(input.headers ?? base.headers), ...(cookie ? { Cookie: cookie } : {}) };
  return { method: route.method, path, headers, body: 'body' in input ? input.body : base.body };
}

/** Wrong URLs and cookies: every route. */
function interactionCases(route: RouteSpec, world: World): BadInputCase[] {
  const own = world.live[route.step];
  const cases: [string, string, string | undefined][] = [
    ['no interaction cookie', own.uid, undefined],
    ['a garbage interaction cookie', own.uid, '_interaction=garbage; _interaction.sig=garbage'],
    [
      'the interaction cookie without its signature',
      own.uid,
      own.cookie
        .split('; ')
        .filter((c) => !c.includes('.sig='))
        .join('; '),
    ],
    ['the cookie of another interaction', own.uid, world.live.other.cookie],
    ['an unknown uid', randomBytes(16).toString('base64url'), own.cookie],
    ['a 3000-character uid', 'u'.repeat(3000), own.cookie],
    ['the uid with a Cyrillic а first', encodeURIComponent(`а${own.uid.slice(1)}`), own.cookie],
    ['a non-ASCII uid', '%C3%BCid', own.cookie],
    ['bad percent-encoding in the uid', '%E0%A4%A', own.cookie],
    ['a %ZZ uid', '%ZZ', own.cookie],
    ['a NUL uid', '%00', own.cookie],
    ['a control character after the uid', `${own.uid}%0A`, own.cookie],
    ['an encoded slash in the uid', `${own.uid}%2F..`, own.cookie],
    ['a dot-dot uid', '..', own.cookie],
  ];
  const [status, error] = INVALID_INTERACTION;
  const all: BadInputCase[] = cases.map(([name, uid, cookie]) => ({ name, status, error, request: requestTo(route, world, uid, cookie) }));
  if (route.stepOnly) {
    const other: Step = route.step === 'login' ? 'consent' : 'login';
    const { uid, cookie } = world.live[other];
    all.push({
      name: `an interaction at the ${other} step`,
      status: 400,
      error: 'invalid_request',
      request: requestTo(route, world, uid, cookie),
    });
  }
  return all;
}

/** Bodies that are bad whatever fields the route takes: every POST route. */
function bodyCases(route: RouteSpec, world: World): BadInputCase[] {
  const json = (body: string | Buffer) => ({ headers: JSON_TYPE, body });
  const form = (body: string) => ({ headers: FORM_TYPE, body });
  const typed = (type: string | undefined, body: string, more: Record<string, string> = {}) => ({
    headers: { ...(type ? { 'Content-Type': type } : {}), ...more },
    body,
  });
  const gzip = (body: string | Buffer, encoding = 'gzip') => ({ headers: { ...JSON_TYPE, 'Content-Encoding': encoding }, body });
  const cases: [string, readonly [number, string], Input][] = [
    ['JSON syntax error {bad', INVALID_REQUEST, json('{bad')],
    ['truncated JSON', INVALID_REQUEST, json('{"message":')],
    ['single-quoted JSON', INVALID_REQUEST, json("{'message':'a'}")],
    ['JSON with trailing garbage', INVALID_REQUEST, json('{"a":1}}')],
    ['JSON with a trailing comma', INVALID_REQUEST, json('{"a":1,}')],
    ['JSON with a NUL after it', INVALID_REQUEST, json('{}\u0000')],
    ['JSON with two byte order marks', INVALID_REQUEST, json('\uFEFF\uFEFF{}')],
    ['JSON that is not UTF-8', INVALID_REQUEST, json(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['JSON NaN', INVALID_REQUEST, json('NaN')],
    ['JSON null', INVALID_REQUEST, json('null')],
    ['a JSON string', INVALID_REQUEST, json('"str"')],
    ['a JSON number', INVALID_REQUEST, json('123')],
    ['JSON true', INVALID_REQUEST, json('true')],
    ['JSON -0', INVALID_REQUEST, json('-0')],
    ['JSON 1e999', INVALID_REQUEST, json('1e999')],
    ['an empty JSON array', INVALID_REQUEST, json('[]')],
    ['a JSON array of the fields', INVALID_REQUEST, json(JSON.stringify([world.attempt]))],
    ['JSON with __proto__', INVALID_REQUEST, json(JSON.stringify(world.attempt).replace(/}$/, ',"__proto__":{"x":1}}'))],
    ['JSON with an escaped __proto__', INVALID_REQUEST, json('{"\\u005f_proto__":{"polluted":1}}')],
    ['JSON with a nested __proto__', INVALID_REQUEST, json('{"a":{"__proto__":{"polluted":1}}}')],
    ['JSON with constructor.prototype', INVALID_REQUEST, json('{"constructor":{"prototype":{"polluted":1}}}')],
    ['JSON with prototype', INVALID_REQUEST, json('{"prototype":{"polluted":1}}')],
    ['JSON with an unknown field', INVALID_REQUEST, json('{"x":1}')],
    ['JSON nested 4000 arrays deep', INVALID_REQUEST, json(`${'['.repeat(4000)}${']'.repeat(4000)}`)],
    ['JSON nested 2000 objects deep', INVALID_REQUEST, json(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`)],
    ['20 KB of unbalanced brackets', TOO_LARGE, json('['.repeat(20_000))],
    ['a 17 KB JSON body', TOO_LARGE, json(JSON.stringify({ message: 'm'.repeat(17_000), signature: '0x' }))],
    ['a 1 MB JSON body', TOO_LARGE, json(`{"x":"${'x'.repeat(1 << 20)}"}`)],
    [
      'JSON in UTF-16',
      INVALID_REQUEST,
      { headers: { 'Content-Type': 'application/json; charset=utf-16le' }, body: Buffer.from('{"x":1}', 'utf16le') },
    ],
    ['a form with an unknown field', INVALID_REQUEST, form('x=1')],
    ['a form with an empty name', INVALID_REQUEST, form('=1')],
    ['a form of bare names', INVALID_REQUEST, form('a&b')],
    ['a form with a badly encoded name', INVALID_REQUEST, form('%zz=1')],
    ['a form with __proto__', INVALID_REQUEST, form('__proto__[polluted]=1')],
    ['a form with constructor', INVALID_REQUEST, form('constructor[prototype][polluted]=1')],
    ['a form with prototype', INVALID_REQUEST, form('prototype=1')],
    ['a form with a nested name', INVALID_REQUEST, form('a[b][c][d][e][f][g]=1')],
    ['a 17 KB form', TOO_LARGE, form(`x=${'x'.repeat(17_000)}`)],
    ['text/plain', UNSUPPORTED, typed('text/plain', '{}')],
    ['no Content-Type', UNSUPPORTED, typed(undefined, '{}')],
    ['application/octet-stream', UNSUPPORTED, typed('application/octet-stream', '{}')],
    ['multipart/form-data', UNSUPPORTED, typed('multipart/form-data; boundary=x', '--x\r\n\r\n--x--')],
    ['application/xml', UNSUPPORTED, typed('application/xml', '<a/>')],
    ['a JSON-like media type', UNSUPPORTED, typed('application/json-patch+json', '[]')],
    ['a malformed Content-Type', UNSUPPORTED, typed('application/json, text/plain', '{}')],
    ['a Content-Type of garbage', UNSUPPORTED, typed('/;=garbage', '{}')],
    ['a non-ASCII Content-Type', UNSUPPORTED, typed('applicatión/json', '{}')],
    ['a chunked text/plain body', UNSUPPORTED, typed('text/plain', 'x', { 'Transfer-Encoding': 'chunked' })],
    ['a chunked JSON null', INVALID_REQUEST, typed('application/json', 'null', { 'Transfer-Encoding': 'chunked' })],
    ['gzip over garbage', INVALID_REQUEST, gzip('garbage')],
    ['deflate over garbage', INVALID_REQUEST, gzip('garbage', 'deflate')],
    ['br over garbage', INVALID_REQUEST, gzip('garbage', 'br')],
    ['truncated gzip', INVALID_REQUEST, gzip(gzipSync('{"x":1}').subarray(0, 12))],
    ['gzip of JSON null', INVALID_REQUEST, gzip(gzipSync('null'))],
    ['gzip of 1 MB', TOO_LARGE, gzip(gzipSync(`{"x":"${'x'.repeat(1 << 20)}"}`))],
    ['an unknown Content-Encoding', UNSUPPORTED, gzip('{}', 'x-unknown')],
    ['Content-Encoding compress', UNSUPPORTED, gzip('{}', 'compress')],
    ['Content-Encoding gzip, gzip', UNSUPPORTED, gzip('{}', 'gzip, gzip')],
  ];
  const own = world.live[route.step];
  return cases.map(([name, [status, error], input]) => ({
    name,
    status,
    error,
    request: requestTo(route, world, own.uid, own.cookie, input),
  }));
}

/** Missing, repeated and mistyped fields: routes that take fields. */
function fieldCases(route: RouteSpec, world: World): BadInputCase[] {
  const own = world.live[route.step];
  const cases: [string, Input][] = [
    ['no body', { headers: {}, body: undefined }],
    ['an empty JSON object', { headers: JSON_TYPE, body: '{}' }],
    ['an empty form', { headers: FORM_TYPE, body: '' }],
    ['a known and an unknown field', { headers: JSON_TYPE, body: JSON.stringify({ ...world.attempt, x: 1 }) }],
  ];
  for (const field of route.fields ?? []) {
    const others = Object.fromEntries((route.fields ?? []).filter((name) => name !== field).map((name) => [name, 'x']));
    for (const [kind, value] of [
      ['a number', 1],
      ['null', null],
      ['an object', { a: 'b' }],
      ['an array', ['a']],
      ['a boolean', true],
      ['empty', ''],
      ['9000 characters', 'x'.repeat(9000)],
    ] as const) {
      cases.push([`"${field}" ${kind}`, { headers: JSON_TYPE, body: JSON.stringify({ ...others, [field]: value }) }]);
    }
    cases.push([`"${field}" missing`, { headers: JSON_TYPE, body: JSON.stringify(others) }]);
    const params = new URLSearchParams(others);
    cases.push([`form "${field}" given twice`, { headers: FORM_TYPE, body: `${params}&${field}=a&${field}=b` }]);
    cases.push([`form "${field}[]"`, { headers: FORM_TYPE, body: `${params}&${field}[]=a` }]);
    cases.push([`form "${field}[x]"`, { headers: FORM_TYPE, body: `${params}&${field}[x]=a` }]);
    cases.push([`form "${field}.x"`, { headers: FORM_TYPE, body: `${params}&${field}.x=a` }]);
  }
  return cases.map(([name, input]) => ({
    name,
    status: 400,
    error: 'invalid_request',
    request: requestTo(route, world, own.uid, own.cookie, input),
  }));
}

/** Control characters and look-alikes in an otherwise correct, correctly signed message: the login route. */
async function siweCases(route: RouteSpec, world: World): Promise<BadInputCase[]> {
  const own = world.live[route.step];
  const good = messageFor(world.view, world.wallet.address);
  const edits: [string, string, string][] = [
    ['a NUL in the statement', good.replace('Sign in', 'Sign\u0000in'), 'malformed_message'],
    ['an ESC in the statement', good.replace('Sign in', 'Sign\u001bin'), 'malformed_message'],
    ['a right-to-left override in the statement', good.replace('Sign in', 'Sign \u202ein'), 'malformed_message'],
    [
      'a zero-width space in the address',
      good.replace(world.wallet.address, `${world.wallet.address.slice(0, 10)}\u200b${world.wallet.address.slice(10)}`),
      'malformed_message',
    ],
    ['bare CR line breaks', good.replace(/\n/g, '\r'), 'malformed_message'],
    ['a Cyrillic о in the domain', good.replace(/^localhost/, 'lоcalhost'), 'malformed_message'],
    ['a fullwidth colon after URI', good.replace('URI:', 'URI：'), 'malformed_message'],
    ['a Cyrillic е in "Version"', good.replace('Version:', 'Vеrsion:'), 'malformed_message'],
    ['an Arabic-Indic digit as chain id', good.replace('Chain ID: 1', 'Chain ID: ١'), 'malformed_message'],
    ['a Cyrillic letter in the nonce', good.replace(/Nonce: (\w)/, 'Nonce: а'), 'malformed_message'],
    ['a Cyrillic х in the address', good.replace(world.wallet.address, world.wallet.address.replace('0x', '0х')), 'malformed_message'],
  ];
  const cases: BadInputCase[] = [];
  for (const [name, message, error] of edits) {
    assert.notEqual(message, good, `${name}: the edit applies`);
    const body = JSON.stringify({ message, signature: await world.wallet.signMessage(message) });
    cases.push({ name, status: 400, error, request: requestTo(route, world, own.uid, own.cookie, { headers: JSON_TYPE, body }) });
  }
  const signature = await world.wallet.signMessage(good);
  const forms: [string, string, string][] = [
    ['a fullwidth 0x signature', JSON.stringify({ message: good, signature: `０x${signature.slice(2)}` }), 'invalid_signature'],
    [
      'Arabic-Indic digits in the signature',
      JSON.stringify({ message: good, signature: signature.replace(/[0-9]/g, (d) => String.fromCharCode(0x660 + Number(d))) }),
      'invalid_signature',
    ],
  ];
  for (const [name, body, error] of forms)
    cases.push({ name, status: 400, error, request: requestTo(route, world, own.uid, own.cookie, { headers: JSON_TYPE, body }) });
  const formBody = (message: string, signature: string) => `message=${message}&signature=${signature}`;
  cases.push(
    {
      name: 'bad percent-encoding in form fields',
      status: 400,
      error: 'malformed_message',
      request: requestTo(route, world, own.uid, own.cookie, { headers: FORM_TYPE, body: formBody('%E0%A4%A', '%zz') }),
    },
    {
      name: 'an encoded NUL as the form message',
      status: 400,
      error: 'malformed_message',
      request: requestTo(route, world, own.uid, own.cookie, { headers: FORM_TYPE, body: formBody('%00', encodeURIComponent(signature)) }),
    },
  );
  return cases;
}

/** Repeated, missing and look-alike query parameters: the message route. */
function queryCases(route: RouteSpec, world: World): BadInputCase[] {
  const own = world.live[route.step];
  const address = world.wallet.address;
  // An EIP-55 test vector (0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed) with one letter's case flipped.
  const badChecksum = '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
  const cases: [string, string, string][] = [
    ['the address given twice', `?address=${address}&address=${address}&chainId=1`, 'invalid_request'],
    ['the chain id given twice', `?address=${address}&chainId=1&chainId=1`, 'chain_not_allowed'],
    ['no address', '?chainId=1', 'invalid_request'],
    ['no query', '', 'invalid_request'],
    ['address[]', `?address[]=${address}&chainId=1`, 'invalid_request'],
    ['bad percent-encoding in the address', '?address=%zz&chainId=1', 'invalid_request'],
    ['a NUL after the address', `?address=${address}%00&chainId=1`, 'invalid_request'],
    ['a look-alike address (Cyrillic х)', `?address=${encodeURIComponent(address.replace('0x', '0х'))}&chainId=1`, 'invalid_request'],
    ['fullwidth 0x', `?address=${encodeURIComponent(`０x${address.slice(2)}`)}&chainId=1`, 'invalid_request'],
    ['a bad EIP-55 checksum', `?address=${badChecksum}&chainId=1`, 'invalid_address'],
    ['no chain id', `?address=${address}`, 'chain_not_allowed'],
    ['an empty chain id', `?address=${address}&chainId=`, 'chain_not_allowed'],
    ['chain id 01', `?address=${address}&chainId=01`, 'chain_not_allowed'],
    ['chain id 1e0', `?address=${address}&chainId=1e0`, 'chain_not_allowed'],
    ['a 20-digit chain id', `?address=${address}&chainId=${'9'.repeat(20)}`, 'chain_not_allowed'],
    ['an Arabic-Indic chain id', `?address=${address}&chainId=%D9%A1`, 'chain_not_allowed'],
    ['bad percent-encoding in the chain id', `?address=${address}&chainId=%E0%A4%A`, 'chain_not_allowed'],
  ];
  return cases.map(([name, query, error]) => ({
    name,
    status: 400,
    error,
    request: requestTo(route, world, own.uid, own.cookie, { query }),
  }));
}

async function corpusFor(route: RouteSpec, world: World): Promise<BadInputCase[]> {
  return [
    ...interactionCases(route, world),
    ...(route.method === 'POST' ? bodyCases(route, world) : []),
    ...(route.fields?.length ? fieldCases(route, world) : []),
    ...(route.siwe ? await siweCases(route, world) : []),
    ...(route.query ? queryCases(route, world) : []),
  ];
}

/** The routes the running router serves under /interaction ("POST /interaction/:uid/login"). */
function routerRoutes(server: TestServer): string[] {
  const middleware = (server.provider as unknown as { middleware: { router?: Router }[] }).middleware;
  const layers = middleware.flatMap((fn) => fn.router?.stack ?? []);
  return layers
    .filter((layer) => layer.methods.length > 0 && String(layer.path).startsWith('/interaction'))
    .flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${layer.path}`));
}

async function liveInteraction(server: TestServer, agent: Agent, clientId: string): Promise<Live> {
  const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(clientId)));
  return { uid, cookie: agentCookies(agent, server.issuer, `/interaction/${uid}`) };
}

/** The consent step of a third-party client, signed in with `wallet`. */
async function consentInteraction(server: TestServer, agent: Agent, wallet: AnyWallet): Promise<Live> {
  const first = await liveInteraction(server, agent, THIRD_PARTY.client_id);
  const signed = messageFor(await getInteraction(agent, first.uid), wallet.address);
  const posted = await postLogin(agent, first.uid, signed, await wallet.signMessage(signed));
  assert.equal(posted.status, 200, posted.text);
  const next = await follow(agent, posted.body.redirectTo);
  return { uid: next.pathname.split('/')[2]!, cookie: agentCookies(agent, server.issuer, next.pathname) };
}

async function setUp(server: TestServer): Promise<World> {
  const wallet = Wallet.createRandom();
  const loginAgent = supertest.agent(server.issuer);
  const login = await liveInteraction(server, loginAgent, FIRST_PARTY.client_id);
  const other = await liveInteraction(server, supertest.agent(server.issuer), FIRST_PARTY.client_id);
  const consent = await consentInteraction(server, supertest.agent(server.issuer), wallet);
  const view = await getInteraction(loginAgent, login.uid);
  const message = messageFor(view, wallet.address, { statement: 'Sign in, but this one is never sent.' });
  assert.ok(login.cookie.includes('_interaction='), `the interaction cookie: ${login.cookie}`);
  return {
    live: { login, consent, other },
    view,
    wallet,
    attempt: { message: message.replace('Sign in', 'Not signed'), signature: await wallet.signMessage(message) },
  };
}

for (const backend of BACKENDS) {
  describe(`bad input under /interaction (${backend})`, function () {
    this.timeout(120_000);
    // The limits are off (badInputHarness): they are tested in test/oidc/limited-routes.test.ts and
    // test/interaction/failed-logins.test.ts.
    const harness = badInputHarness(backend);
    let world: World;

    before(async () => {
      world = await setUp(harness.server);
      // What setting up wrote is not the corpus's.
      harness.probe.takeWrites();
    });

    it('ROUTES lists every route the router serves under /interaction', () => {
      const served = routerRoutes(harness.server);
      assert.ok(served.length > 0, 'the interaction router was found');
      assert.deepEqual(served.sort(), ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    });

    for (const route of ROUTES) {
      it(`${route.method} ${route.path}: every bad input is a 4xx with its error code, and writes nothing`, async () => {
        const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
        const cases = await corpusFor(route, world);
        const failures = await problemsIn(harness, cases);
        assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore, 'Object.prototype is untouched');
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        assert.equal(failures.length, 0, `${failures.length} problems in ${cases.length * 2} answers:\n${failures.join('\n')}`);
      });
    }

    it('a repeated confirm (a double click) saves one Grant, not one per request', async () => {
      const agent = supertest.agent(harness.server.issuer);
      const { uid } = await consentInteraction(harness.server, agent, world.wallet);
      harness.probe.takeWrites();
      for (let click = 0; click < 3; click += 1) {
        const confirmed = await agent.post(`/interaction/${uid}/confirm`).set('Accept', 'application/json').send({});
        assert.equal(confirmed.status, 200, confirmed.text);
      }
      const grants = new Set(harness.probe.takeWrites().filter((write) => write.startsWith('set oidc:Grant:')));
      assert.equal(grants.size, 1, [...grants].join(', '));
    });
  });
}
