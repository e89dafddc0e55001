/**
 * The setting of a browser test suite: the real server in-process, a relying
 * party on a local port, headless Chromium, and per test a fresh browser
 * context whose every request must go to the provider or the relying party.
 */
import assert from 'node:assert/strict';
import type { ClientMetadata } from 'oidc-provider';
import type { Browser } from 'playwright-core';
import type * as oidc from 'openid-client';
import { FIRST_PARTY, THIRD_PARTY } from '../test-clients.js';
import { startServer, type StartOptions, type TestServer } from '../server.js';
import { assertOnlyOrigins, launchBrowser, openPage, type TestPage } from './browser.js';
import { discover, startRelyingParty, type RelyingParty } from './rp.js';

export interface BrowserSuite {
  server: TestServer;
  browser: Browser;
  rp: RelyingParty;
  /** openid-client configured for the first-party client (no consent). */
  firstParty: oidc.Configuration;
  /** The current test's page. */
  tab: TestPage;
  /** openid-client for any registered client. */
  discover(client: ClientMetadata): Promise<oidc.Configuration>;
}

export interface SuiteOptions {
  /** More clients, given the relying party (to register its redirect_uri). */
  clients?: (rp: RelyingParty) => ClientMetadata[];
  /** The server's environment; a function is called in the suite's before hook, so it can use what
   *  an enclosing describe's before hook set up (e.g. a local chain's RPC URL). */
  env?: StartOptions['env'] | (() => StartOptions['env']);
  /** The browser's language (Accept-Language); default en-US. */
  locale?: string;
}

/** Registers mocha hooks in the calling describe(); the returned object is filled in by them. */
export function browserSuite(options: SuiteOptions = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  before(async function () {
    this.timeout(60_000);
    suite.rp = await startRelyingParty();
    const clients = [FIRST_PARTY, THIRD_PARTY].map(suite.rp.register).concat(options.clients?.(suite.rp) ?? []);
    [suite.server, suite.browser] = await Promise.all([
      startServer({ clients, env: typeof options.env === 'function' ? options.env() : options.env }),
      launchBrowser(),
    ]);
    suite.discover = (client) => discover(suite.server.issuer, client);
    suite.firstParty = await suite.discover(FIRST_PARTY);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
    await suite.rp?.close();
  });
  beforeEach(async () => {
    suite.tab = await openPage(suite.browser, { locale: options.locale });
  });
  afterEach(async function () {
    const { tab } = suite;
    try {
      if (this.currentTest?.state === 'passed') {
        assertOnlyOrigins(tab.requests, [suite.server.issuer, suite.rp.origin]);
        assert.deepEqual(tab.errors, [], 'no script error, no Content-Security-Policy violation');
      }
    } finally {
      await tab.context.close();
    }
  });
  return suite;
}
