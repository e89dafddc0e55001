/**
 * ENS profile claims and the `siwe` proof, end to end: the real server, whose ENS_RPC_URL
 * points at a counting proxy (rpc-counter) in front of a real local chain (anvil) with a test
 * ENS (registry, public resolver, reverse registrar, ENSIP-10 wildcard resolver, all compiled
 * from test/support/chain/ens/TestEns.sol with solc) and an OpenZeppelin ERC-721 for an NFT
 * avatar. Each login runs from openid-client's authorization request to its code exchange.
 *
 *   - a primary name whose forward record matches: preferred_username, name, picture (https
 *     avatar, and an NFT avatar through ENSIP-12); wildcard names through ENSIP-10;
 *   - no name when the forward record points elsewhere, when the reverse record is not
 *     normalised, when only a parent's non-extended resolver exists, or when there is none;
 *   - the cache: a second login for the same address makes no RPC call, found or not found;
 *     userinfo never asks the chain; a refresh looks up again through the cache;
 *   - the ENS RPC hanging, refusing or failing: the login completes within ENS_TIMEOUT + 1 s
 *     without the claims, the failure is logged (never the URL's secret), and not cached;
 *   - the `siwe` scope: the exact message and signature, which verifyMessage accepts, for the
 *     client whose login it was only;
 *   - the page's name lookup (GET /interaction/:uid/ens): the name, bad input, its bound.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type Contract, id, verifyMessage, Wallet } from 'ethers';
import * as oidc from 'openid-client';
import { generateJwks } from '../../src/config/keys.js';
import supertest from 'supertest';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { recordStderr, type StderrRecorder } from '../support/chain/contract-login.js';
import { deployAvatarNft, deployTestEns, type TestEns } from '../support/chain/ens.js';
import { type RpcCounter, startRpcCounter } from '../support/chain/rpc-counter.js';
import { BASIC, POST, RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { authorizeUrl, newAuthRequest, startInteraction } from '../support/flow.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { newNamespace, startServer, type TestServer } from '../support/server.js';
import { MEMORY_ONLY } from '../support/storage-backends.js';
import { signIn } from '../support/sign-in.js';
import { FIRST_PARTY } from '../support/test-clients.js';
import { UserAgent } from '../support/user-agent.js';

const CHAIN_ID = 31337;
const ENS_TIMEOUT = 1000;
/** The "API key" in the ENS RPC URL's path and query: never in an answer or a log line. */
const SECRET = 'ENSKEY-93f1c2';
const ALICE_AVATAR = 'https://avatars.example/alice.png';
const NFT_IMAGE = 'https://nft.example/carol.png';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('ENS profile claims and the siwe proof (anvil)', function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let ens: TestEns;
  let nft: Contract;
  let counter: RpcCounter;
  let server: TestServer;
  let basic: oidc.Configuration;
  let post: oidc.Configuration;
  let stderr: StderrRecorder;
  /** anvil's funded accounts: they pay for their own reverse records. */
  let alice: Wallet;
  let mallory: Wallet;
  let carol: Wallet;
  let dave: Wallet;
  let erin: Wallet;

  const ensEnv = () => ({
    CHAIN_IDS: '1',
    ENS_RPC_URL: `${counter.url}/v2/${SECRET}?apikey=${SECRET}`,
    ENS_REGISTRY: ens.registryAddress,
    ENS_TIMEOUT: String(ENS_TIMEOUT),
  });

  before(async function () {
    this.timeout(120_000);
    stderr = recordStderr();
    anvil = await startAnvil({ chainId: CHAIN_ID });
    const deployer = anvil.accounts[0]!;
    [alice, mallory, carol, dave, erin] = anvil.accounts.slice(1, 6) as [Wallet, Wallet, Wallet, Wallet, Wallet];
    ens = await deployTestEns(deployer);
    nft = await deployAvatarNft(deployer);

    // alice.test: forward and reverse agree, with an https avatar.
    await ens.register('alice.test', alice.address, ALICE_AVATAR);
    await ens.setPrimaryName(alice, 'alice.test');
    // mallory claims alice's name in her reverse record; its forward record is alice's.
    await ens.setPrimaryName(mallory, 'alice.test');
    // carol.wild.test: no resolver of its own; wild.test's ENSIP-10 resolver answers for it, avatar an NFT she holds.
    const metadata = `data:application/json;base64,${Buffer.from(JSON.stringify({ name: 'carol', image: NFT_IMAGE })).toString('base64')}`;
    await (await nft.getFunction('mint')(carol.address, 7n, metadata)).wait();
    await ens.useWildcard('wild.test');
    await ens.registerWildcard('carol.wild.test', carol.address, `eip155:${CHAIN_ID}/erc721:${await nft.getAddress()}/7`);
    await ens.setPrimaryName(carol, 'carol.wild.test');
    // dave.test forward is dave, but his reverse record says "Dave.test": not normalised, so no name.
    await ens.register('dave.test', dave.address);
    await ens.setPrimaryName(dave, 'Dave.test');
    // erin.plain.test: only its parent has a resolver, and it is not an extended (ENSIP-10) one.
    await ens.useResolverOn('plain.test');
    await ens.setPrimaryName(erin, 'erin.plain.test');

    counter = await startRpcCounter(anvil.url);
    server = await startServer({ clients: [BASIC, POST, FIRST_PARTY], env: ensEnv() });
    basic = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
    post = await discover(server, { clientId: POST.client_id, clientAuth: oidc.ClientSecretPost(String(POST.client_secret)) });
  });

  after(async () => {
    stderr?.restore();
    await server?.close();
    await counter?.close();
    await anvil?.stop();
  });

  beforeEach(async () => {
    await counter.setMode('forward');
    counter.reset();
    stderr.take();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') stderr.replay();
  });

  async function login(wallet: Wallet, scope: string, config = basic, agent = new UserAgent()) {
    const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK, scope, prompt: 'consent' });
    const callback = await signIn(agent, url, { wallet, chainId: 1, rpOrigin: RP_ORIGIN });
    return oidc.authorizationCodeGrant(config, callback.request(), checks);
  }

  /** ID token claims and userinfo of a login, and the RPC calls the login made. */
  async function profileOf(wallet: Wallet, scope = 'openid profile') {
    counter.reset();
    const tokens = await login(wallet, scope);
    const calls = counter.count();
    const claims = tokens.claims()!;
    counter.reset();
    const userinfo = await oidc.fetchUserInfo(basic, tokens.access_token, claims.sub);
    assert.equal(counter.count(), 0, 'userinfo asks the chain nothing');
    return { tokens, claims, userinfo, calls };
  }

  const profileClaimsOf = (claims: Record<string, unknown>) =>
    Object.fromEntries(['preferred_username', 'name', 'picture'].filter((name) => name in claims).map((name) => [name, claims[name]]));

  it('discovery lists the profile and siwe scopes and their claims', () => {
    const metadata = basic.serverMetadata();
    for (const scope of ['profile', 'siwe']) assert.ok(metadata.scopes_supported?.includes(scope), scope);
    for (const claim of ['preferred_username', 'name', 'picture', 'siwe_message', 'siwe_signature'])
      assert.ok(metadata.claims_supported?.includes(claim), claim);
  });

  describe('the profile scope', () => {
    it('a primary name whose forward record matches: preferred_username, name and the https avatar as picture', async () => {
      const { claims, userinfo, calls } = await profileOf(alice);
      const expected = { preferred_username: 'alice.test', name: 'alice.test', picture: ALICE_AVATAR };
      assert.deepEqual(profileClaimsOf(claims), expected);
      assert.deepEqual(userinfo, { sub: alice.address, ...expected });
      assert.ok(calls > 0, 'the first login looked the name up');
    });

    it('a second login for the same address is served from the cache: no RPC call', async () => {
      const { claims, calls } = await profileOf(alice);
      assert.equal(claims.preferred_username, 'alice.test');
      assert.equal(calls, 0);
    });

    it('a reverse record whose name resolves to another address gives no name (and the miss is cached)', async () => {
      const first = await profileOf(mallory);
      assert.deepEqual(profileClaimsOf(first.claims), {});
      assert.deepEqual(first.userinfo, { sub: mallory.address });
      assert.ok(first.calls > 0);
      const second = await profileOf(mallory);
      assert.deepEqual(profileClaimsOf(second.claims), {});
      assert.equal(second.calls, 0, 'a negative result is cached too');
    });

    it('an address without a reverse record: no name, no claim, and a cached miss', async () => {
      const nobody = new Wallet(id('ens-claims.test nobody'));
      const first = await profileOf(nobody);
      assert.deepEqual(profileClaimsOf(first.claims), {});
      assert.equal(first.calls, 1, 'one call: the registry has no resolver for its reverse node');
      assert.equal((await profileOf(nobody)).calls, 0);
    });

    it('ENSIP-10: a name answered by its parent’s extended resolver, with an NFT avatar (ENSIP-12) the address holds', async () => {
      const { claims } = await profileOf(carol);
      assert.deepEqual(profileClaimsOf(claims), { preferred_username: 'carol.wild.test', name: 'carol.wild.test', picture: NFT_IMAGE });
    });

    it('a reverse record that is not normalised (ENSIP-15) gives no name, though its normalised form resolves', async () => {
      assert.deepEqual(profileClaimsOf((await profileOf(dave)).claims), {});
    });

    it('a name with only a parent’s resolver that is not an extended resolver gives no name', async () => {
      assert.deepEqual(profileClaimsOf((await profileOf(erin)).claims), {});
    });

    it('without the profile scope nothing is looked up', async () => {
      const fresh = new Wallet(id('ens-claims.test no profile scope'));
      counter.reset();
      const tokens = await login(fresh, 'openid');
      assert.equal(counter.count(), 0);
      assert.deepEqual(profileClaimsOf(tokens.claims()!), {});
    });
  });

  describe('ENS down or slow never blocks a login', () => {
    for (const mode of ['hang', 'refuse', 'error500'] as const) {
      it(`the ENS RPC ${mode === 'hang' ? 'never answering' : mode === 'refuse' ? 'refusing connections' : 'answering HTTP 500'}: the login completes within ENS_TIMEOUT + 1 s, without the claims; logged, not cached`, async () => {
        const fresh = new Wallet(id(`ens-claims.test outage ${mode}`));
        await ens.register(`${mode}.test`, fresh.address);
        const funded = anvil.accounts[9]!;
        await (await funded.sendTransaction({ to: fresh.address, value: 10n ** 17n })).wait();
        await ens.setPrimaryName(fresh.connect(anvil.provider), `${mode}.test`);
        await counter.setMode(mode);
        counter.reset();
        stderr.take();
        const started = performance.now();
        const tokens = await login(fresh, 'openid profile');
        const elapsed = performance.now() - started;
        assert.ok(elapsed < ENS_TIMEOUT + 1000, `the login took ${Math.round(elapsed)} ms`);
        assert.deepEqual(profileClaimsOf(tokens.claims()!), {});
        const logged = stderr.take();
        assert.match(logged, /ENS lookup left out/);
        assert.ok(!logged.includes(SECRET), 'the RPC URL’s secret is never logged');
        if (mode !== 'refuse') assert.ok(counter.count() > 0, 'the RPC was asked');

        await counter.setMode('forward');
        const after = await profileOf(fresh);
        assert.equal(after.claims.preferred_username, `${mode}.test`, 'the failure was not cached: the next login finds the name');
      });
    }
  });

  describe('refresh', () => {
    it('a refresh looks the profile up again through the cache: no RPC call while cached, userinfo follows the new ID token', async () => {
      const tokens = await login(alice, 'openid profile offline_access');
      assert.equal(tokens.claims()!.name, 'alice.test');
      counter.reset();
      const refreshed = await oidc.refreshTokenGrant(basic, tokens.refresh_token!);
      assert.equal(refreshed.claims()!.preferred_username, 'alice.test');
      assert.equal(refreshed.claims()!.picture, ALICE_AVATAR);
      assert.deepEqual(await oidc.fetchUserInfo(basic, refreshed.access_token, alice.address), {
        sub: alice.address,
        preferred_username: 'alice.test',
        name: 'alice.test',
        picture: ALICE_AVATAR,
      });
      assert.equal(counter.count(), 0, 'cached');
    });
  });

  describe('the siwe scope', () => {
    it('releases the exact message and signature, which verifyMessage attributes to the address', async () => {
      const wallet = Wallet.createRandom();
      const agent = new UserAgent();
      const tokens = await login(wallet as unknown as Wallet, 'openid siwe', basic, agent);
      const claims = tokens.claims()!;
      const message = claims.siwe_message as string;
      const signature = claims.siwe_signature as string;
      assert.equal(typeof message, 'string');
      assert.match(message, /^localhost:\d+ wants you to sign in with your Ethereum account:\n/);
      assert.ok(message.includes(`\n${wallet.address}\n`));
      assert.ok(message.includes(`\nChain ID: 1\n`));
      assert.equal(verifyMessage(message, signature), wallet.address);
      assert.deepEqual(await oidc.fetchUserInfo(basic, tokens.access_token, claims.sub), {
        sub: wallet.address,
        siwe_message: message,
        siwe_signature: signature,
      });

      // Another application on the same session (single sign-on) gets no proof: the message names the first.
      const other = await login(wallet as unknown as Wallet, 'openid siwe', post, agent);
      assert.equal(other.claims()!.sub, wallet.address);
      assert.equal(other.claims()!.siwe_message, undefined);
      assert.equal(other.claims()!.siwe_signature, undefined);
    });

    it('without the siwe scope there is no proof', async () => {
      const tokens = await login(Wallet.createRandom() as unknown as Wallet, 'openid');
      assert.equal(tokens.claims()!.siwe_message, undefined);
    });
  });

  describe('the page’s name lookup: GET /interaction/:uid/ens', () => {
    async function interaction() {
      const agent = supertest.agent(server.issuer);
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id, { scope: 'openid' })));
      return { agent, uid };
    }

    it('answers the name of a connected address (and null for none), from the same cache', async () => {
      const { agent, uid } = await interaction();
      const found = await agent
        .get(`/interaction/${uid}/ens`)
        .set('Accept', 'application/json')
        .query({ address: alice.address.toLowerCase() });
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.body, { address: alice.address, name: 'alice.test', avatar: null });
      assert.equal(found.headers['cache-control'], 'no-store');
      const none = await agent.get(`/interaction/${uid}/ens`).set('Accept', 'application/json').query({ address: mallory.address });
      assert.deepEqual(none.body, { address: mallory.address, name: null, avatar: null });
      assert.equal(counter.count(), 0, 'both were cached by the logins before');
    });

    it('refuses a bad address (400) and a ninth address in one sign-in (429)', async () => {
      const { agent, uid } = await interaction();
      for (const address of ['', '0x123', `${alice.address}00`, '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed']) {
        const refused = await agent.get(`/interaction/${uid}/ens`).set('Accept', 'application/json').query({ address });
        assert.equal(refused.status, 400, refused.text);
        assert.ok(['invalid_request', 'invalid_address'].includes(refused.body.error), refused.text);
      }
      for (let n = 0; n < 8; n++) {
        const answer = await agent.get(`/interaction/${uid}/ens`).set('Accept', 'application/json').query({ address: mallory.address });
        assert.equal(answer.status, 200, answer.text);
      }
      const ninth = await agent.get(`/interaction/${uid}/ens`).set('Accept', 'application/json').query({ address: mallory.address });
      assert.equal(ninth.status, 429, ninth.text);
      assert.equal(ninth.body.error, 'too_many_requests');
    });

    it('needs the interaction’s cookie', async () => {
      const { uid } = await interaction();
      const stranger = await supertest(server.issuer)
        .get(`/interaction/${uid}/ens`)
        .set('Accept', 'application/json')
        .query({ address: alice.address });
      assert.equal(stranger.status, 400, stranger.text);
    });
  });

  describe('with a short ENS_CACHE_TTL', () => {
    let shortLived: TestServer;
    let config: oidc.Configuration;
    before(async () => {
      shortLived = await startServer({ clients: [BASIC], env: { ...ensEnv(), ENS_CACHE_TTL: '1' } });
      config = await discover(shortLived, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
    });
    after(() => shortLived?.close());

    it('a refresh after the cache expired asks the chain again, and the new ID token and userinfo carry the new avatar', async () => {
      const tokens = await login(alice, 'openid profile offline_access', config);
      assert.equal(tokens.claims()!.picture, ALICE_AVATAR);
      const newAvatar = 'https://avatars.example/alice-2.png';
      await ens.register('alice.test', alice.address, newAvatar);
      try {
        await sleep(1100);
        counter.reset();
        const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
        assert.ok(counter.count() > 0, 'looked up again');
        assert.equal(refreshed.claims()!.picture, newAvatar);
        const userinfo = await oidc.fetchUserInfo(config, refreshed.access_token, alice.address);
        assert.equal(userinfo.picture, newAvatar);
      } finally {
        await ens.register('alice.test', alice.address, ALICE_AVATAR);
      }
    });
  });

  describe('on Redis, shared by two instances', () => {
    let first: TestServer;
    let second: TestServer;
    before(async function () {
      if (MEMORY_ONLY) this.skip();
      const shared = { jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace: newNamespace() };
      first = await startServer({ backend: 'redis', clients: [BASIC], env: ensEnv(), shared });
      second = await startServer({ backend: 'redis', clients: [BASIC], env: ensEnv(), shared });
    });
    after(async () => {
      await second?.close();
      await first?.close();
    });

    it('what one instance looked up (found or not) the other reads from the shared store: no RPC call', async () => {
      const configOf = (on: TestServer) =>
        discover(on, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
      const [one, two] = await Promise.all([configOf(first), configOf(second)]);
      const stranger = new Wallet(id('ens-claims.test redis stranger'));
      counter.reset();
      assert.equal((await login(alice, 'openid profile', one)).claims()!.preferred_username, 'alice.test');
      assert.deepEqual(profileClaimsOf((await login(stranger, 'openid profile', one)).claims()!), {});
      assert.ok(counter.count() > 0, 'the first instance asked the chain');
      counter.reset();
      assert.equal((await login(alice, 'openid profile', two)).claims()!.preferred_username, 'alice.test');
      assert.deepEqual(profileClaimsOf((await login(stranger, 'openid profile', two)).claims()!), {});
      assert.equal(counter.count(), 0, 'the second instance found both in Redis');
    });
  });

  describe('with ENS=off', () => {
    it('no lookup, no claim, and the page’s lookup is 404', async () => {
      const off = await startServer({ clients: [BASIC, FIRST_PARTY], env: { ...ensEnv(), ENS: 'off' } });
      try {
        const config = await discover(off, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
        counter.reset();
        const tokens = await login(alice, 'openid profile', config);
        assert.deepEqual(profileClaimsOf(tokens.claims()!), {});
        assert.equal(counter.count(), 0);
        const agent = supertest.agent(off.issuer);
        const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)));
        const answer = await agent.get(`/interaction/${uid}/ens`).set('Accept', 'application/json').query({ address: alice.address });
        assert.equal(answer.status, 404, answer.text);
        assert.equal(answer.body.error, 'not_found');
      } finally {
        await off.close();
      }
    });
  });
});
