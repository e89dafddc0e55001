/** The federation settings: defaults, parsing, refusals that say what to set, and the start command's --help. */
import assert from 'node:assert/strict';
import { readConfig } from '../../src/config/env.js';
import { problemsOf, startMain } from '../support/config.js';

describe('federation configuration', () => {
  it('defaults: sub is the address, registration is off, no private-network hosts', () => {
    const config = readConfig({});
    assert.equal(config.subjectFormat, 'address');
    assert.deepEqual(config.registration, {
      mode: 'off',
      initialAccessToken: undefined,
      clientTtl: 30 * 86_400,
    });
    assert.deepEqual(config.privateNetworkHosts, []);
  });

  it('reads SUBJECT_FORMAT, REGISTRATION, REGISTRATION_RATE_LIMIT and PRIVATE_NETWORK_HOSTS', () => {
    const config = readConfig({
      SUBJECT_FORMAT: 'CAIP10',
      REGISTRATION: 'open',
      REGISTRATION_RATE_LIMIT: '5/minute',
      PRIVATE_NETWORK_HOSTS: 'Keycloak.internal, 10.0.0.5, ::1',
    });
    assert.equal(config.subjectFormat, 'caip10');
    assert.equal(config.registration.mode, 'open');
    // The older spelling of RATE_LIMITS=registration=5/minute (test/config/rate-limits.test.ts).
    assert.deepEqual(config.rateLimits.registration, { max: 5, windowSeconds: 60 });
    assert.deepEqual(config.privateNetworkHosts, ['keycloak.internal', '10.0.0.5', '[::1]']);
  });

  it('reads REGISTRATION_CLIENT_TTL in seconds and refuses anything else', () => {
    assert.equal(readConfig({ REGISTRATION_CLIENT_TTL: '3600' }).registration.clientTtl, 3600);
    for (const bad of ['30d', '0', '-5', '1.5', 'forever', '999999999999']) {
      assert.match(
        problemsOf({ REGISTRATION_CLIENT_TTL: bad }).join('\n'),
        /REGISTRATION_CLIENT_TTL must be a whole number of seconds/,
        bad,
      );
    }
  });

  it('an initial access token alone means REGISTRATION=token', () => {
    const config = readConfig({ REGISTRATION_INITIAL_ACCESS_TOKEN: 't'.repeat(40) });
    assert.equal(config.registration.mode, 'token');
    assert.equal(config.registration.initialAccessToken, 't'.repeat(40));
  });

  it('refuses contradictory or malformed settings, all at once', () => {
    const problems = problemsOf({
      SUBJECT_FORMAT: 'did',
      REGISTRATION: 'token',
      REGISTRATION_RATE_LIMIT: 'lots',
      PRIVATE_NETWORK_HOSTS: 'http://keycloak:8080',
    }).join('\n');
    assert.match(problems, /SUBJECT_FORMAT must be one of address, caip10/);
    assert.match(problems, /REGISTRATION=token needs REGISTRATION_INITIAL_ACCESS_TOKEN/);
    assert.match(problems, /REGISTRATION_RATE_LIMIT must look like "20\/hour"/);
    assert.match(problems, /PRIVATE_NETWORK_HOSTS must list host names/);
    assert.match(
      problemsOf({ REGISTRATION: 'open', REGISTRATION_INITIAL_ACCESS_TOKEN: 'x'.repeat(40) }).join('\n'),
      /is set but REGISTRATION is "open"/,
    );
  });

  it('in production wants a long initial access token', () => {
    const production = {
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      JWKS_FILE: 'x',
      COOKIE_KEYS: 'k'.repeat(32),
      CLIENTS_FILE: 'y',
    };
    assert.match(problemsOf({ ...production, REGISTRATION_INITIAL_ACCESS_TOKEN: 'short' }).join('\n'), /at least 32 characters/);
    assert.deepEqual(problemsOf({ ...production, REGISTRATION_INITIAL_ACCESS_TOKEN: 'l'.repeat(32) }), []);
  });

  it("the start command's --help lists the new settings", async () => {
    const { stdout } = await startMain({}, '--help');
    for (const name of [
      'SUBJECT_FORMAT',
      'REGISTRATION',
      'REGISTRATION_INITIAL_ACCESS_TOKEN',
      'REGISTRATION_RATE_LIMIT',
      'REGISTRATION_CLIENT_TTL',
      'PRIVATE_NETWORK_HOSTS',
    ]) {
      assert.match(stdout, new RegExp(`^  ${name}\\b`, 'm'), name);
    }
    assert.match(stdout, /npx siwe-idp/);
  });
});
