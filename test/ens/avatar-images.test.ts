/**
 * The login page's ENS avatars (src/ens/avatar-images.ts): fetched by the server through the
 * SSRF-guarded outbound fetch (a loopback host is refused unless PRIVATE_NETWORK_HOSTS names
 * it, before any request is sent), raster images only, handed to the page as a data: URL and
 * kept in memory, a failure remembered.
 */
import assert from 'node:assert/strict';
import { AvatarImages } from '../../src/ens/avatar-images.js';
import type { GuardedFetch } from '../../src/ens/avatar-record.js';
import { outboundFetch } from '../../src/oidc/outbound-fetch.js';
import { solidPng } from '../support/png.js';
import { type LocalSite, startSite } from '../support/site.js';

const PNG = solidPng(8, 8, [20, 120, 220]);
const guarded = (hosts: string[]) => outboundFetch(hosts) as unknown as GuardedFetch;

describe('ENS avatars for the login page', () => {
  let site: LocalSite;
  const hits: string[] = [];
  before(async () => {
    site = await startSite((request, response) => {
      hits.push(request.url ?? '');
      if (request.url === '/avatar.png') response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      else if (request.url === '/avatar.svg')
        response.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg"/>');
      else response.writeHead(404).end();
    });
  });
  after(() => site.close());
  beforeEach(() => {
    hits.length = 0;
  });

  it('refuses a loopback host that PRIVATE_NETWORK_HOSTS does not name: nothing is requested', async () => {
    const images = new AvatarImages(guarded([]), 2000, 60_000);
    assert.equal(await images.get(`${site.origin}/avatar.png`), undefined);
    assert.deepEqual(hits, []);
  });

  it('with the host trusted: the image as a data: URL, fetched once, then from memory', async () => {
    const images = new AvatarImages(guarded(['127.0.0.1']), 2000, 60_000);
    const expected = `data:image/png;base64,${PNG.toString('base64')}`;
    assert.equal(await images.get(`${site.origin}/avatar.png`), expected);
    assert.equal(await images.get(`${site.origin}/avatar.png`), expected);
    assert.deepEqual(hits, ['/avatar.png']);
  });

  it('never an SVG, and a failure is remembered for a while', async () => {
    const images = new AvatarImages(guarded(['127.0.0.1']), 2000, 60_000);
    assert.equal(await images.get(`${site.origin}/avatar.svg`), undefined);
    assert.equal(await images.get(`${site.origin}/avatar.svg`), undefined);
    assert.equal(await images.get(`${site.origin}/missing.png`), undefined);
    assert.deepEqual(hits, ['/avatar.svg', '/missing.png']);
  });
});
