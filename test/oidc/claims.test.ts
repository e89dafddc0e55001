/**
 * Claims for identity brokers, with both subject formats, on both stores:
 * `sub` is the EIP-55 address (default) or its CAIP-10 form
 * (SUBJECT_FORMAT=caip10) everywhere a subject appears (ID token, userinfo,
 * introspection); the `ethereum` scope releases the address, the chain id the
 * wallet signed in on and the CAIP-10 account id, in the ID token and from
 * userinfo, also after a refresh.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { BASIC, OPENID_ONLY, RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

const SUBJECT_FORMATS = ['address', 'caip10'] as const;

for (const backend of BACKENDS) {
  for (const format of SUBJECT_FORMATS) {
    describe(`claims with SUBJECT_FORMAT=${format} (${backend} store)`, () => {
      let server: TestServer;
      let config: oidc.Configuration;
      const subjectOf = (wallet: Wallet, chainId: number) => (format === 'caip10' ? `eip155:${chainId}:${wallet.address}` : wallet.address);

      before(async () => {
        server = await startServer({ backend, clients: [BASIC, OPENID_ONLY], env: { SUBJECT_FORMAT: format, CHAIN_IDS: '1,10' } });
        config = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
      });
      after(() => server.close());

      async function login(wallet: Wallet, chainId: number, scope: string) {
        const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK, scope, prompt: 'consent' });
        const callback = await signIn(new UserAgent(), url, { wallet, chainId, rpOrigin: RP_ORIGIN });
        return oidc.authorizationCodeGrant(config, callback.request(), checks);
      }

      it('discovery lists the ethereum scope and its claims', () => {
        const metadata = config.serverMetadata();
        assert.ok(metadata.scopes_supported?.includes('ethereum'));
        for (const claim of ['sub', 'ethereum_address', 'chain_id', 'caip10_account_id', 'wallet_type'])
          assert.ok(metadata.claims_supported?.includes(claim), claim);
      });

      it('the ethereum scope releases address, chain id and CAIP-10 id in the ID token, userinfo and after a refresh', async () => {
        const wallet = Wallet.createRandom() as unknown as Wallet;
        const sub = subjectOf(wallet, 10);
        const tokens = await login(wallet, 10, 'openid ethereum offline_access');
        const expected = {
          ethereum_address: wallet.address,
          chain_id: 10,
          caip10_account_id: `eip155:10:${wallet.address}`,
          wallet_type: 'eoa',
        };

        const claims = tokens.claims()!;
        assert.equal(claims.sub, sub);
        assert.deepEqual(
          {
            ethereum_address: claims.ethereum_address,
            chain_id: claims.chain_id,
            caip10_account_id: claims.caip10_account_id,
            wallet_type: claims.wallet_type,
          },
          expected,
        );

        assert.deepEqual(await oidc.fetchUserInfo(config, tokens.access_token, sub), { sub, ...expected });

        const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
        assert.equal(refreshed.claims()?.sub, sub);
        assert.equal(refreshed.claims()?.chain_id, 10);
        assert.deepEqual(await oidc.fetchUserInfo(config, refreshed.access_token, sub), { sub, ...expected });

        const introspection = await oidc.tokenIntrospection(config, refreshed.access_token);
        assert.equal(introspection.active, true);
        assert.equal(introspection.sub, sub);
      });

      it('without the ethereum scope only sub is released', async () => {
        const wallet = Wallet.createRandom() as unknown as Wallet;
        const tokens = await login(wallet, 1, 'openid');
        const claims = tokens.claims()!;
        assert.equal(claims.sub, subjectOf(wallet, 1));
        for (const claim of ['ethereum_address', 'chain_id', 'caip10_account_id', 'wallet_type'])
          assert.equal(claims[claim], undefined, claim);
        assert.deepEqual(await oidc.fetchUserInfo(config, tokens.access_token, subjectOf(wallet, 1)), { sub: subjectOf(wallet, 1) });
      });

      it(format === 'caip10' ? 'the chain is part of the subject' : 'the subject is the same on every chain', async () => {
        const wallet = Wallet.createRandom() as unknown as Wallet;
        const onMainnet = (await login(wallet, 1, 'openid ethereum')).claims()!;
        const onOptimism = (await login(wallet, 10, 'openid ethereum')).claims()!;
        assert.equal(onMainnet.chain_id, 1);
        assert.equal(onOptimism.chain_id, 10);
        if (format === 'caip10') assert.notEqual(onMainnet.sub, onOptimism.sub);
        else assert.equal(onMainnet.sub, onOptimism.sub);
      });

      it('a client allowed only openid cannot ask for the ethereum scope', async () => {
        const restricted = await discover(server, {
          clientId: OPENID_ONLY.client_id,
          clientAuth: oidc.ClientSecretBasic(String(OPENID_ONLY.client_secret)),
        });
        const { url } = await codeRequest(restricted, { redirect_uri: RP_CALLBACK, scope: 'openid ethereum' });
        const response = await fetch(url, { redirect: 'manual' });
        const location = new URL(response.headers.get('location')!);
        assert.equal(location.searchParams.get('error'), 'invalid_scope');
      });
    });
  }
}
