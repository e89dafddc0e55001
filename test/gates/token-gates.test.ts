/**
 * Token-gated access and groups, end to end, against the real server whose RPC_URLS point at
 * counting proxies (rpc-counter) in front of two real local chains (anvil, 31337 and 31338),
 * with OpenZeppelin 5 ERC-20, ERC-721 and ERC-1155 contracts compiled by solc: holders and
 * non-holders, thresholds at min_balance − 1 and min_balance, native balances, optional gates,
 * the refresh after the NFT leaves, RPC outages (fail closed for required gates, left out of
 * `groups` for optional ones), one eth_call per chain, a Safe evaluated for its own holdings,
 * and single sign-on into a gated client.
 */
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose';
import { id, parseEther, Wallet } from 'ethers';
import type { ClientMetadata } from 'oidc-provider';
import supertest from 'supertest';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { type RpcCounter, startRpcCounter } from '../support/chain/rpc-counter.js';
import { deploySafe, deploySafeInfrastructure, safeSignMessage } from '../support/chain/wallets.js';
import { deployTestTokens, send, type TestTokens } from '../support/chain/tokens.js';
import {
  type Agent,
  type AuthRequest,
  authorizeUrl,
  basicAuth,
  exchangeCode,
  follow,
  getInteraction,
  messageFor,
  newAuthRequest,
  postLogin,
  startInteraction,
} from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';
import { RP_REDIRECT } from '../support/test-clients.js';

const A = 31337;
const B = 31338;
const RPC_TIMEOUT = 1000;
const key = (name: string) => new Wallet(id(`token-gates.test ${name}`));

function client(clientId: string, gates: unknown[] | undefined): ClientMetadata {
  return {
    client_id: clientId,
    client_secret: `${clientId}-secret-which-is-long-enough`,
    client_name: `Gated ${clientId}`,
    redirect_uris: [RP_REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    first_party: true,
    ...(gates ? { token_gates: gates } : {}),
  };
}

interface Pending {
  agent: Agent;
  request: AuthRequest;
  client: ClientMetadata;
  uid: string;
  message: string;
  send(signature: string): Promise<supertest.Response>;
}

interface Tokens {
  id_token: string;
  access_token: string;
  refresh_token?: string;
}

describe('token gates and groups (anvil, OpenZeppelin tokens)', function () {
  this.timeout(120_000);
  let anvilA: Anvil;
  let anvilB: Anvil;
  let rpcA: RpcCounter;
  let rpcB: RpcCounter;
  let tokens: TestTokens;
  let server: TestServer;
  let club: ClientMetadata;
  let vault: ClientMetadata;
  let plain: ClientMetadata;
  let safe: string;
  const safeOwner = key('safe owner');

  const holder = key('holder');
  const stranger = key('stranger');
  const whale = key('whale');

  before(async () => {
    [anvilA, anvilB] = await Promise.all([startAnvil({ chainId: A }), startAnvil({ chainId: B })]);
    const deployer = anvilA.accounts[0]!;
    tokens = await deployTestTokens(deployer);
    const infra = await deploySafeInfrastructure(deployer);
    safe = await deploySafe([safeOwner], 1, infra, 11n, deployer);
    // The holder holds pass #1; the whale pass #42, 5 ETH on A and 1 wei on B; the Safe pass #7.
    await send(tokens.erc721, 'mint', holder.address, 1n);
    await send(tokens.erc721, 'mint', whale.address, 42n);
    await send(tokens.erc721, 'mint', safe, 7n);
    await (await deployer.sendTransaction({ to: holder.address, value: parseEther('1') })).wait();
    await (await deployer.sendTransaction({ to: whale.address, value: parseEther('5') })).wait();
    await (await anvilB.accounts[0]!.sendTransaction({ to: whale.address, value: 1n })).wait();
    [rpcA, rpcB] = await Promise.all([startRpcCounter(anvilA.url), startRpcCounter(anvilB.url)]);
    const { erc20, erc721, erc1155 } = tokens.addresses;
    club = client('club', [
      { group: 'holders', chain_id: A, standard: 'erc721', contract: erc721, min_balance: '1', required: true },
      { group: 'gold', chain_id: A, standard: 'erc1155', contract: erc1155, token_id: '7', min_balance: '3', required: false },
      { group: 'stakers', chain_id: A, standard: 'erc20', contract: erc20, min_balance: '1000', required: false },
      { group: 'pass-42', chain_id: A, standard: 'erc721', contract: erc721, token_id: '42', required: false },
      { group: 'rich', chain_id: A, standard: 'native', min_balance: parseEther('5').toString(), required: false },
      { group: 'l2', chain_id: B, standard: 'native', min_balance: '1', required: false },
    ]);
    vault = client('vault', [
      { group: 'stakers', chain_id: A, standard: 'erc20', contract: erc20, min_balance: '1000', required: true },
      { group: 'gold', chain_id: A, standard: 'erc1155', contract: erc1155, token_id: '7', min_balance: '3', required: true },
    ]);
    plain = client('plain', undefined);
    server = await startServer({
      clients: [club, vault, plain],
      env: { CHAIN_IDS: `${A},${B}`, RPC_URLS: `${A}=${rpcA.url},${B}=${rpcB.url}`, RPC_TIMEOUT: String(RPC_TIMEOUT) },
    });
  });

  after(async () => {
    await server?.close();
    await Promise.all([rpcA?.close(), rpcB?.close()]);
    await Promise.all([anvilA?.stop(), anvilB?.stop()]);
  });

  afterEach(async () => {
    await Promise.all([rpcA.setMode('forward'), rpcB.setMode('forward')]);
  });

  const resetCounts = () => {
    rpcA.reset();
    rpcB.reset();
  };

  async function begin(
    on: ClientMetadata,
    address: string,
    scope = 'openid groups',
    agent = supertest.agent(server.issuer),
  ): Promise<Pending> {
    const request = newAuthRequest(on.client_id, { scope, ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}) });
    const uid = await startInteraction(agent, authorizeUrl(request));
    const message = messageFor(await getInteraction(agent, uid), address);
    return { agent, request, client: on, uid, message, send: (signature) => postLogin(agent, uid, message, signature) };
  }

  async function tokensFor(pending: Pending, callback: URL): Promise<Tokens> {
    assert.equal(`${callback.origin}${callback.pathname}`, RP_REDIRECT);
    assert.ok(callback.searchParams.get('code'), `no code in ${callback.href}`);
    const token = await exchangeCode(pending.agent, pending.client, callback, pending.request);
    assert.equal(token.status, 200, token.text);
    return token.body as Tokens;
  }

  /** From a 200 login to the tokens (through consent when offline_access asks for it). */
  async function complete(pending: Pending, login: supertest.Response): Promise<Tokens> {
    assert.equal(login.status, 200, login.text);
    let callback = await follow(pending.agent, login.body.redirectTo);
    if (callback.pathname.startsWith('/interaction/')) {
      const consent = await pending.agent.post(`${callback.pathname}/confirm`).set('Accept', 'application/json').send({});
      assert.equal(consent.status, 200, consent.text);
      callback = await follow(pending.agent, consent.body.redirectTo);
    }
    return tokensFor(pending, callback);
  }

  async function claimsOf(tokens: Tokens, on: ClientMetadata) {
    const jwks = createLocalJWKSet((await supertest(server.issuer).get('/jwks')).body as JSONWebKeySet);
    const { payload } = await jwtVerify(tokens.id_token, jwks, { issuer: server.issuer, audience: on.client_id });
    const userinfo = await supertest(server.issuer).get('/me').set('Authorization', `Bearer ${tokens.access_token}`);
    assert.equal(userinfo.status, 200, userinfo.text);
    return { idToken: payload, userinfo: userinfo.body as Record<string, unknown> };
  }

  async function signIn(on: ClientMetadata, wallet: Wallet, scope?: string) {
    const pending = await begin(on, wallet.address, scope);
    const tokens = await complete(pending, await pending.send(await wallet.signMessage(pending.message)));
    return { tokens, ...(await claimsOf(tokens, on)) };
  }

  const refresh = (on: ClientMetadata, refreshToken: string) =>
    supertest(server.issuer)
      .post('/token')
      .set('Authorization', basicAuth(on))
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken });

  it('the interaction names the client’s gates before anyone signs (EIP-55 contracts, decimal strings)', async () => {
    const agent = supertest.agent(server.issuer);
    const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(vault.client_id)));
    const view = (await getInteraction(agent, uid)) as unknown as { token_gates: Record<string, unknown>[] };
    const checksummed = (await tokens.erc20.getAddress()) as string;
    assert.deepEqual(view.token_gates[0], {
      group: 'stakers',
      chain_id: A,
      standard: 'erc20',
      contract: checksummed,
      min_balance: '1000',
      required: true,
    });
    assert.equal(view.token_gates[1]!.token_id, '7');
  });

  it('an ERC-721 holder signs in and gets `groups` in the ID token and from userinfo: one eth_call per chain', async () => {
    resetCounts();
    const { idToken, userinfo } = await signIn(club, holder);
    assert.deepEqual(idToken.groups, ['holders']);
    assert.deepEqual(userinfo.groups, ['holders']);
    assert.equal(idToken.sub, holder.address);
    assert.deepEqual(rpcA.counts(), { eth_call: 1 }, 'every gate of chain A in one eth_call');
    assert.deepEqual(rpcB.counts(), { eth_call: 1 }, 'and one for chain B');
    assert.equal(rpcA.httpRequests(), 1);
    assert.equal(rpcB.httpRequests(), 1);
  });

  it('optional gates only add groups: the whale’s pass #42, native balance on A (exactly 5 ETH) and on B (1 wei)', async () => {
    const { idToken, userinfo } = await signIn(club, whale);
    assert.deepEqual(idToken.groups, ['holders', 'pass-42', 'rich', 'l2']);
    assert.deepEqual(userinfo.groups, ['holders', 'pass-42', 'rich', 'l2']);
    // The holder has 1 ETH (< 5) and nothing on B: still signs in, with only the required group.
    const holderClaims = await signIn(club, holder);
    assert.deepEqual(holderClaims.idToken.groups, ['holders']);
  });

  it('without the `groups` scope there is no `groups` claim; a client without gates releases none and makes no chain call', async () => {
    const { idToken, userinfo } = await signIn(club, holder, 'openid ethereum');
    assert.equal(idToken.groups, undefined);
    assert.equal(userinfo.groups, undefined);
    assert.equal(idToken.ethereum_address, holder.address);
    resetCounts();
    const ungated = await signIn(plain, stranger);
    assert.equal(ungated.idToken.groups, undefined);
    assert.equal(rpcA.count() + rpcB.count(), 0, 'no gate call for a client without gates');
  });

  it('a non-holder is refused: 403 access_denied in plain words, the relying party gets error=access_denied, the message cannot sign in again', async () => {
    const pending = await begin(club, stranger.address);
    const signature = await stranger.signMessage(pending.message);
    const login = await pending.send(signature);
    assert.equal(login.status, 403, login.text);
    assert.equal(login.body.error, 'access_denied');
    const description = String(login.body.error_description);
    assert.match(description, /group "holders"/);
    assert.match(description, new RegExp(tokens.addresses.erc721));
    assert.match(description, new RegExp(`on chain ${A}`));
    assert.ok(!description.includes(stranger.address), 'the description names no address');
    assert.ok(login.body.reference);

    const callback = await follow(pending.agent, login.body.redirectTo);
    assert.equal(`${callback.origin}${callback.pathname}`, RP_REDIRECT);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), pending.request.state);
    assert.match(callback.searchParams.get('error_description') ?? '', /group "holders"/);
    assert.equal(callback.searchParams.get('code'), null);

    const again = await pending.send(signature);
    assert.ok([400].includes(again.status), again.text);
    assert.ok(['nonce_consumed', 'invalid_interaction'].includes(again.body.error), again.text);
  });

  it('the HTML form post gets the error page with the requirement and the way back to the application', async () => {
    const pending = await begin(club, stranger.address);
    const page = await pending.agent
      .post(`/interaction/${pending.uid}/login`)
      .type('form')
      .set('Accept', 'text/html')
      .send({ message: pending.message, signature: await stranger.signMessage(pending.message) });
    assert.equal(page.status, 403);
    assert.match(page.text, /access_denied/);
    assert.match(page.text, /group &#34;holders&#34;|group "holders"/);
    const back = /<a class="button primary" href="([^"]+)">Back to the application<\/a>/.exec(page.text);
    assert.ok(back, page.text);
    const callback = await follow(pending.agent, back[1]!.replace(/&amp;/g, '&'));
    assert.equal(callback.searchParams.get('error'), 'access_denied');
  });

  it('thresholds: ERC-20 and ERC-1155 balances at min_balance − 1 are refused, at min_balance let in', async () => {
    const low20 = key('low erc20');
    const low1155 = key('low erc1155');
    const enough = key('enough');
    await send(tokens.erc20, 'mint', low20.address, 999n);
    await send(tokens.erc1155, 'mint', low20.address, 7n, 3n);
    await send(tokens.erc20, 'mint', low1155.address, 1000n);
    await send(tokens.erc1155, 'mint', low1155.address, 7n, 2n);
    await send(tokens.erc20, 'mint', enough.address, 1000n);
    await send(tokens.erc1155, 'mint', enough.address, 7n, 3n);

    for (const [wallet, group] of [
      [low20, 'stakers'],
      [low1155, 'gold'],
    ] as const) {
      const pending = await begin(vault, wallet.address);
      const login = await pending.send(await wallet.signMessage(pending.message));
      assert.equal(login.status, 403, login.text);
      assert.match(login.body.error_description, new RegExp(`group "${group}"`));
      assert.doesNotMatch(login.body.error_description, new RegExp(`group "${group === 'gold' ? 'stakers' : 'gold'}"`));
    }
    const { idToken } = await signIn(vault, enough);
    assert.deepEqual(idToken.groups, ['stakers', 'gold']);
    // The same balances as optional gates of another client: groups, nothing else.
    await send(tokens.erc721, 'mint', low1155.address, 100n);
    const optional = await signIn(club, low1155);
    assert.deepEqual(optional.idToken.groups, ['holders', 'stakers']);
  });

  it('refresh: groups follow the chain; once the NFT is transferred away the refresh is invalid_grant, and works again when it is back', async () => {
    const { tokens: first, idToken } = await signIn(club, holder, 'openid groups offline_access');
    assert.deepEqual(idToken.groups, ['holders']);
    assert.ok(first.refresh_token);

    // Gold is bought: the next refresh's ID token and userinfo say so.
    await send(tokens.erc1155, 'mint', holder.address, 7n, 3n);
    const refreshed = await refresh(club, first.refresh_token!);
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.deepEqual(decodeJwt(refreshed.body.id_token).groups, ['holders', 'gold']);
    const after = await claimsOf(refreshed.body as Tokens, club);
    assert.deepEqual(after.userinfo.groups, ['holders', 'gold']);

    // The pass leaves.
    const connected = holder.connect(anvilA.provider);
    await send(tokens.erc721.connect(connected) as typeof tokens.erc721, 'transferFrom', holder.address, stranger.address, 1n);
    const refused = await refresh(club, refreshed.body.refresh_token);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.match(refused.body.error_description, /group "holders"/);

    // RPC down with a required gate: 503, the token kept.
    await rpcA.setMode('refuse');
    const down = await refresh(club, refreshed.body.refresh_token);
    assert.equal(down.status, 503, down.text);
    assert.equal(down.body.error, 'temporarily_unavailable');
    await rpcA.setMode('forward');

    // Back again (the stranger returns it): the same refresh token works.
    const strangerConnected = stranger.connect(anvilA.provider);
    await (await anvilA.accounts[0]!.sendTransaction({ to: stranger.address, value: parseEther('0.1') })).wait();
    await send(tokens.erc721.connect(strangerConnected) as typeof tokens.erc721, 'transferFrom', stranger.address, holder.address, 1n);
    const back = await refresh(club, refreshed.body.refresh_token);
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(decodeJwt(back.body.id_token).groups, ['holders', 'gold']);
  });

  it('RPC down: a required gate’s chain → 503 chain_unavailable within RPC_TIMEOUT + 1 s, the nonce kept for a retry', async () => {
    const pending = await begin(club, holder.address);
    const signature = await holder.signMessage(pending.message);
    await rpcA.setMode('hang');
    const started = Date.now();
    const down = await pending.send(signature);
    const elapsed = Date.now() - started;
    assert.equal(down.status, 503, down.text);
    assert.equal(down.body.error, 'chain_unavailable');
    assert.match(down.body.error_description, new RegExp(`chain ${A}`));
    assert.ok(elapsed < RPC_TIMEOUT + 1000, `answered in ${elapsed} ms`);
    await rpcA.setMode('forward');
    const tokensAfter = await complete(pending, await pending.send(signature));
    assert.ok(tokensAfter.id_token, 'the same signed message signs in once the chain answers');
  });

  it('RPC down for an optional gate’s chain: the sign-in goes on, without that group', async () => {
    await rpcB.setMode('refuse');
    const { idToken } = await signIn(club, whale);
    assert.deepEqual(idToken.groups, ['holders', 'pass-42', 'rich']);
    await rpcB.setMode('error500');
    const again = await signIn(club, whale);
    assert.deepEqual(again.idToken.groups, ['holders', 'pass-42', 'rich']);
  });

  it('a Safe is evaluated for its own holdings: it signs in (eip1271) with its pass; its owner, without one, is refused', async () => {
    resetCounts();
    const pending = await begin(club, safe, 'openid ethereum groups');
    const tokensOf = await complete(pending, await pending.send(safeSignMessage(safe, A, pending.message, [safeOwner])));
    const { idToken } = await claimsOf(tokensOf, club);
    assert.equal(idToken.sub, safe);
    assert.equal(idToken.wallet_type, 'eip1271');
    assert.deepEqual(idToken.groups, ['holders']);
    assert.deepEqual(rpcA.counts(), { eth_call: 2 }, 'ERC-1271, then the gates: one eth_call each');

    const owner = await begin(club, safeOwner.address);
    const refused = await owner.send(await safeOwner.signMessage(owner.message));
    assert.equal(refused.status, 403, refused.text);
  });

  it('single sign-on: a session from an ungated client is no way around the gates; a holder’s session gets its groups', async () => {
    // A stranger signed in to the plain client, then sent to the club: the login page, not a code.
    const agent = supertest.agent(server.issuer);
    const first = await begin(plain, stranger.address, 'openid', agent);
    await complete(first, await first.send(await stranger.signMessage(first.message)));
    const silent = await agent.get(authorizeUrl(newAuthRequest(club.client_id, { scope: 'openid groups', prompt: 'none' }))).redirects(0);
    const location = new URL(silent.headers.location!, server.issuer);
    assert.equal(location.searchParams.get('error'), 'login_required', silent.headers.location);
    await startInteraction(agent, authorizeUrl(newAuthRequest(club.client_id)));

    // A holder's session from the plain client lets it into the club with no new signature, with its groups.
    const holderAgent = supertest.agent(server.issuer);
    const own = await begin(plain, holder.address, 'openid', holderAgent);
    await complete(own, await own.send(await holder.signMessage(own.message)));
    const request = newAuthRequest(club.client_id, { scope: 'openid groups' });
    const redirect = await holderAgent.get(authorizeUrl(request)).redirects(0);
    const callback = await follow(holderAgent, redirect.headers.location!);
    const tokensOf = await tokensFor(
      { agent: holderAgent, request, client: club, uid: '', message: '', send: async () => redirect },
      callback,
    );
    const { idToken, userinfo } = await claimsOf(tokensOf, club);
    assert.equal(idToken.sub, holder.address);
    assert.deepEqual(idToken.groups, ['holders', 'gold']);
    assert.deepEqual(userinfo.groups, ['holders', 'gold']);
  });
});
