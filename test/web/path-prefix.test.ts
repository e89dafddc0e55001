import assert from 'node:assert/strict';
import type { Context, Middleware } from 'koa';
import { describe, it } from 'mocha';
import { underPrefixes } from '../../src/web/path-prefix.js';

async function reaches(path: string): Promise<'router' | 'next'> {
  let reached: 'router' | 'next' = 'next';
  const router: Middleware = async () => {
    reached = 'router';
  };
  const gated = underPrefixes(['/interaction/', '/sign/'], router);
  await gated({ path } as Context, async () => undefined);
  return reached;
}

describe('underPrefixes', () => {
  it('asks the router about its own paths, in every case the router matches', async () => {
    for (const path of ['/interaction/abc', '/INTERACTION/abc/login', '/Interaction/x/', '/sign/h', '/SIGN/h/message']) {
      assert.equal(await reaches(path), 'router', path);
    }
  });

  it('passes every other request straight on', async () => {
    for (const path of ['/auth', '/token', '/interaction', '/interactions/x', '/signin', '/%69nteraction/x', '/\u0130nteraction/x']) {
      assert.equal(await reaches(path), 'next', path);
    }
  });
});
