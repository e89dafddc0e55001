/**
 * Client logos come from our own origin: the server fetches a static client's
 * logo_uri once (raster images only, size-capped, no redirects) and serves it
 * under /interaction/:uid/logo; anything else gets a monogram.
 */
import assert from 'node:assert/strict';
import type { ClientMetadata } from 'oidc-provider';
import supertest from 'supertest';
import { FIRST_PARTY } from '../support/test-clients.js';
import { authorizeUrl, newAuthRequest, startInteraction } from '../support/flow.js';
import { solidPng } from '../support/png.js';
import { startSite, type LocalSite } from '../support/site.js';
import { startServer, type TestServer } from '../support/server.js';
import { ClientLogos } from '../../src/web/client-logos.js';
import { fetchLogo, sniffRaster } from '../../src/web/fetch-logo.js';

const PNG = solidPng(16, 16, [200, 30, 30]);
const LIMITS = { maxBytes: 4096, timeoutMs: 2000 };

describe('client logos', () => {
  let site: LocalSite;
  const hits: string[] = [];
  before(async () => {
    site = await startSite((request, response) => {
      hits.push(request.url ?? '');
      const send = (type: string, body: Buffer | string, status = 200) => {
        response.writeHead(status, { 'content-type': type });
        response.end(body);
      };
      switch (request.url) {
        case '/logo.png':
          return send('image/png', PNG);
        case '/logo.svg':
          return send('image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
        case '/fake.png':
          return send('image/png', '<html>not an image</html>');
        case '/huge.png':
          return send('image/png', Buffer.concat([PNG, Buffer.alloc(8192)]));
        case '/moved.png':
          response.writeHead(302, { location: '/logo.png' });
          return response.end();
        default:
          return send('text/plain', 'not found', 404);
      }
    });
  });
  after(() => site.close());

  it('recognises PNG, JPEG, GIF and WebP by their bytes, and nothing else', () => {
    assert.equal(sniffRaster(PNG), 'image/png');
    assert.equal(sniffRaster(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    assert.equal(sniffRaster(Buffer.from('GIF89a...')), 'image/gif');
    assert.equal(sniffRaster(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'image/webp');
    assert.equal(sniffRaster(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  });

  it('fetches a raster logo; refuses SVG, a type its bytes contradict, an oversized file, a redirect, an error', async () => {
    const logo = await fetchLogo(`${site.origin}/logo.png`, LIMITS);
    assert.equal(logo.type, 'image/png');
    assert.deepEqual(logo.body, PNG);
    const refusals: [string, RegExp][] = [
      ['/logo.svg', /not PNG, JPEG, GIF or WebP/],
      ['/fake.png', /declared image\/png but its content is not/],
      ['/huge.png', /larger than 4096 bytes/],
      ['/moved.png', /cannot be fetched/],
      ['/missing.png', /HTTP 404/],
    ];
    for (const [path, reason] of refusals) {
      await assert.rejects(fetchLogo(`${site.origin}${path}`, LIMITS), reason, path);
    }
    await assert.rejects(fetchLogo('file:///etc/passwd', LIMITS), /not an http\(s\) URL/);
  });

  it('fetches each static client logo once, and only the static clients’', async () => {
    hits.length = 0;
    const logos = new ClientLogos([{ client_id: 'a', logo_uri: `${site.origin}/logo.png` }, { client_id: 'b' }], LIMITS);
    const [one, two] = await Promise.all([logos.get('a'), logos.get('a')]);
    assert.deepEqual(one?.body, PNG);
    assert.equal(two, one);
    assert.equal(await logos.get('b'), undefined);
    assert.equal(await logos.get('unknown'), undefined);
    assert.deepEqual(hits, ['/logo.png']);
  });

  describe('on the pages', () => {
    let server: TestServer;
    const client = (id: string, path: string): ClientMetadata => ({
      ...FIRST_PARTY,
      client_id: id,
      client_name: `App ${id}`,
      logo_uri: `${site.origin}${path}`,
    });
    before(async () => {
      server = await startServer({ clients: [client('with-logo', '/logo.png'), client('svg-logo', '/logo.svg')] });
    });
    after(() => server.close());

    it('serves the logo from our origin under the interaction, as the image it is, and shows it', async () => {
      const agent = supertest.agent(server.issuer);
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest('with-logo')));
      const page = await agent.get(`/interaction/${uid}`).set('Accept', 'text/html');
      assert.match(page.text, new RegExp(`<img class="logo" src="/interaction/${uid}/logo"`));
      const image = await agent.get(`/interaction/${uid}/logo`).buffer(true);
      assert.equal(image.status, 200);
      assert.equal(image.headers['content-type'], 'image/png');
      assert.equal(image.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(image.body, PNG);
      const stranger = await supertest(server.issuer).get(`/interaction/${uid}/logo`);
      assert.equal(stranger.status, 400, 'only the browser of this sign-in (its interaction cookie) gets the logo');
    });

    it('shows a monogram, and serves nothing, for a logo it will not serve (SVG)', async () => {
      const agent = supertest.agent(server.issuer);
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest('svg-logo')));
      const page = await agent.get(`/interaction/${uid}`).set('Accept', 'text/html');
      assert.doesNotMatch(page.text, /<img class="logo"/);
      assert.match(page.text, /<span class="logo monogram tone-\d" aria-hidden="true">AS<\/span>/);
      assert.equal((await agent.get(`/interaction/${uid}/logo`)).status, 404);
    });
  });
});
