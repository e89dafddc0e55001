/** `npm start`'s entry point on the embedded defaults: it serves, says which crypto runs, and stops cleanly on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../support/redis-server.js';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

describe('the start command', () => {
  it('starts on the defaults, logs the secp256k1 and keccak implementations, serves discovery, and exits 0 on SIGTERM', async function () {
    this.timeout(20_000);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const listening = new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const line = stderr.split('\n').find((text) => text.includes('siwe-idp listening on port'));
        if (line) resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${stderr}`)));
    });
    try {
      const line = await listening;
      const fields = JSON.parse(line.slice(line.indexOf('{'))) as { crypto: { secp256k1: string; keccak: string } };
      // The packages ship prebuilds for x64; elsewhere the fallback may run, and the line says so.
      const implementations = process.arch === 'x64' ? ['native'] : ['native', 'elliptic', 'noble'];
      assert.ok(implementations.includes(fields.crypto.secp256k1), line);
      assert.ok(implementations.includes(fields.crypto.keccak), line);
      const discovery = await fetch(`http://localhost:${port}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      assert.equal(((await discovery.json()) as { issuer: string }).issuer, `http://localhost:${port}`);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, stderr);
    }
  });
});
