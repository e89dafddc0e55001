/**
 * Every verification rule rejects with its own stable error code, and a
 * rejected attempt burns nothing: the right message still logs in afterwards.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import type { InteractionView } from '../../src/interaction/view-model.js';
import type { SiweMessage } from '../../src/siwe/eip4361.js';
import { FIRST_PARTY } from '../support/test-clients.js';
import { authorizeUrl, getInteraction, messageFor, newAuthRequest, postLogin, startInteraction, type Agent } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Case {
  rule: string;
  code: string;
  /** Builds the (message, signature) pair to send. */
  attempt(view: InteractionView, wallet: Wallet): Promise<{ message: string; signature: string }>;
}

const signed = (overrides: Partial<SiweMessage>) => async (view: InteractionView, wallet: Wallet) => {
  const message = messageFor(view, wallet.address, overrides);
  return { message, signature: await wallet.signMessage(message) };
};

const edited = (edit: (text: string, wallet: Wallet) => string) => async (view: InteractionView, wallet: Wallet) => {
  const message = edit(messageFor(view, wallet.address), wallet);
  return { message, signature: await wallet.signMessage(message) };
};

const CASES: Case[] = [
  { rule: 'strict EIP-4361 parse', code: 'malformed_message', attempt: edited((text) => text.replace('\nURI: ', '\nUri: ')) },
  { rule: 'Version must be 1', code: 'malformed_message', attempt: edited((text) => text.replace('Version: 1', 'Version: 2')) },
  { rule: 'unknown trailing line', code: 'malformed_message', attempt: edited((text) => `${text}\nExtra: field`) },
  {
    rule: 'all-lowercase address (not EIP-55)',
    code: 'invalid_address',
    attempt: edited((text, wallet) => text.replace(wallet.address, wallet.address.toLowerCase())),
  },
  {
    rule: 'mixed-case address with a wrong checksum',
    code: 'invalid_address',
    attempt: edited((text, wallet) => {
      const hex = wallet.address.slice(2);
      const i = [...hex].findIndex((c) => /[a-f]/i.test(c));
      const flipped =
        hex.slice(0, i) + (hex[i] === hex[i]!.toUpperCase() ? hex[i]!.toLowerCase() : hex[i]!.toUpperCase()) + hex.slice(i + 1);
      return text.replace(wallet.address, `0x${flipped}`);
    }),
  },
  { rule: 'domain is the issuer host with port', code: 'domain_mismatch', attempt: signed({ domain: 'evil.example' }) },
  { rule: 'domain without the port', code: 'domain_mismatch', attempt: signed({ domain: 'localhost' }) },
  { rule: 'scheme, if present, is the issuer scheme', code: 'scheme_mismatch', attempt: signed({ scheme: 'https' }) },
  { rule: 'uri as issued', code: 'uri_mismatch', attempt: signed({ uri: 'https://evil.example/login' }) },
  { rule: 'chain id in CHAIN_IDS', code: 'chain_not_allowed', attempt: signed({ chainId: 5 }) },
  { rule: 'nonce issued for this interaction', code: 'nonce_mismatch', attempt: signed({ nonce: 'deadbeef00112233' }) },
  { rule: 'issuedAt not in the future', code: 'issued_at_in_future', attempt: signed({ issuedAt: iso(Date.now() + 10 * MINUTE) }) },
  {
    rule: 'issuedAt not older than the challenge',
    code: 'issued_at_too_old',
    attempt: signed({ issuedAt: iso(Date.now() - 10 * MINUTE) }),
  },
  { rule: 'expirationTime honoured', code: 'expired_message', attempt: signed({ expirationTime: iso(Date.now() - 1000) }) },
  { rule: 'notBefore honoured', code: 'not_yet_valid', attempt: signed({ notBefore: iso(Date.now() + 10 * MINUTE) }) },
  {
    rule: 'resources[0] is the redirect_uri',
    code: 'resource_mismatch',
    attempt: signed({ resources: ['https://evil.example/callback'] }),
  },
  { rule: 'resources present', code: 'resource_mismatch', attempt: signed({ resources: undefined }) },
  {
    rule: 'signature recovers the message address',
    code: 'invalid_signature',
    attempt: async (view, wallet) => {
      const message = messageFor(view, wallet.address);
      return { message, signature: await Wallet.createRandom().signMessage(message) };
    },
  },
  {
    rule: 'signature over a different text',
    code: 'invalid_signature',
    attempt: async (view, wallet) => ({ message: messageFor(view, wallet.address), signature: await wallet.signMessage('something else') }),
  },
  {
    rule: 'signature encoding',
    code: 'invalid_signature',
    attempt: async (view, wallet) => ({ message: messageFor(view, wallet.address), signature: '0xnot-hex' }),
  },
  {
    rule: 'a signature only a contract can make (not 65 bytes), on a chain without an RPC',
    code: 'contract_wallet_unsupported',
    attempt: async (view, wallet) => ({ message: messageFor(view, wallet.address), signature: '0x1234' }),
  },
];

describe('SIWE verification rules at POST /interaction/:uid/login', () => {
  let server: TestServer;
  let agent: Agent;
  let uid: string;
  let view: InteractionView;
  const wallet = Wallet.createRandom() as unknown as Wallet;

  before(async () => {
    // Every rejection below is a failed sign-in of one address from one client address, dozens a minute: off the
    // login limits (RATE_LIMITS, tested in test/interaction/failed-logins.test.ts), so each rule's own answer shows.
    server = await startServer({ env: { CHAIN_IDS: '1,10', RATE_LIMITS: 'address=off,login=off' } });
    agent = supertest.agent(server.issuer);
    uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
    view = await getInteraction(agent, uid);
  });
  after(() => server.close());

  it('serves the challenge a wallet needs', () => {
    const siwe = view.siwe!;
    assert.equal(view.prompt, 'login');
    assert.equal(siwe.domain, new URL(server.issuer).host);
    assert.equal(siwe.uri, server.issuer);
    assert.equal(siwe.version, '1');
    assert.deepEqual(siwe.chainIds, [1, 10]);
    assert.match(siwe.nonce, /^[A-Za-z0-9]{16,}$/);
    assert.deepEqual(siwe.resources, ['http://127.0.0.1:9999/callback']);
    assert.ok(Date.parse(siwe.expirationTime) > Date.parse(siwe.issuedAt));
  });

  it('keeps the same challenge when the page is loaded again', async () => {
    const again = await getInteraction(agent, uid);
    assert.equal(again.siwe!.nonce, view.siwe!.nonce);
  });

  for (const { rule, code, attempt } of CASES) {
    it(`rejects: ${rule} → ${code}`, async () => {
      const { message, signature } = await attempt(view, wallet);
      const response = await postLogin(agent, uid, message, signature);
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.error, code, response.body.error_description);
      assert.ok(response.body.error_description.length > 10, 'a readable description');
    });
  }

  it('rejects a body without message or signature', async () => {
    const response = await agent.post(`/interaction/${uid}/login`).set('Accept', 'application/json').send({ message: 'x' });
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_request');
  });

  it('rejects a login without the interaction cookie', async () => {
    const message = messageFor(view, wallet.address);
    const response = await supertest(server.issuer)
      .post(`/interaction/${uid}/login`)
      .set('Accept', 'application/json')
      .send({ message, signature: await wallet.signMessage(message) });
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_interaction');
  });

  it('still accepts the right message after all those rejections, on a second allowed chain', async () => {
    const message = messageFor(view, wallet.address, { chainId: 10 });
    const response = await postLogin(agent, uid, message, await wallet.signMessage(message));
    assert.equal(response.status, 200, response.text);
    assert.match(response.body.redirectTo, new RegExp(`/auth/${uid}$`));
  });

  it('never accepts the same signed message twice', async () => {
    const message = messageFor(view, wallet.address, { chainId: 10 });
    const response = await postLogin(agent, uid, message, await wallet.signMessage(message));
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'nonce_consumed', response.text);
  });
});
