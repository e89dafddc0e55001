/**
 * docs/examples/openid-client/device-login.ts run as the guide says, as its own
 * process (node with tsx): it prints the code and the page, polls, and prints
 * the signed-in address once a person (here an HTTP user agent with an ethers
 * wallet) has entered the code and signed; and it explains a refusal. The
 * browser test (test/views/device-flow.test.ts) drives its deviceLogin() with
 * Chromium.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Wallet } from 'ethers';
import supertest from 'supertest';
import { setLogLevel } from '../../src/log.js';
import { answerConfirmation, DEVICE_CLI, enterCode, startDeviceSignIn } from '../support/device.js';
import { getInteraction, messageFor, postLogin } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';

const EXAMPLE = new URL('../../docs/examples/openid-client/device-login.ts', import.meta.url).pathname;

interface Run {
  /** Resolves with the code once the example has printed it. */
  userCode: Promise<string>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function runExample(issuer: string): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], {
    env: { ...process.env, ISSUER: issuer, CLIENT_ID: DEVICE_CLI.client_id, SCOPE: 'openid ethereum' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let found: (code: string) => void;
  const userCode = new Promise<string>((resolve) => {
    found = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(stderr);
    if (match) found(match[1]!);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { userCode: Promise.race([userCode, done.then((run) => Promise.reject(new Error(`no code printed: ${run.stderr}`)))]), done };
}

describe('the device sign-in example: docs/examples/openid-client/device-login.ts', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    setLogLevel('error');
    server = await startServer({ clients: [DEVICE_CLI] });
  });
  after(async () => {
    await server?.close();
    setLogLevel('info');
  });

  it('prints the code and the page, then the address the person signed in with', async () => {
    const run = runExample(server.issuer);
    const userCode = await run.userCode;
    const person = supertest.agent(server.issuer);
    const wallet = Wallet.createRandom();
    const uid = await startDeviceSignIn(person, userCode);
    const message = messageFor(await getInteraction(person, uid), wallet.address);
    const login = await postLogin(person, uid, message, await wallet.signMessage(message));
    assert.equal(login.status, 200, login.text);
    await person.get(new URL(login.body.redirectTo, server.issuer).pathname);

    const { code, stdout, stderr } = await run.done;
    assert.equal(code, 0, stderr);
    assert.match(stderr, new RegExp(`open ${server.issuer}/device and enter the code ${userCode}`));
    assert.match(stderr, new RegExp(`Signed in as ${wallet.address}`));
    const result = JSON.parse(stdout) as { sub: string; claims: Record<string, unknown> };
    assert.equal(result.sub, wallet.address);
    assert.equal(result.claims.ethereum_address, wallet.address);
  });

  it('a cancelled sign-in: exit code 1 and a sentence saying so', async () => {
    const run = runExample(server.issuer);
    const userCode = await run.userCode;
    const person = supertest.agent(server.issuer);
    const confirmPage = await enterCode(person, userCode);
    await answerConfirmation(person, confirmPage.text, userCode, 'abort');
    const { code, stdout, stderr } = await run.done;
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /The sign-in was refused on the sign-in page/);
  });
});
