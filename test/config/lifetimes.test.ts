/**
 * The lifetime settings: ACCESS_TOKEN_TTL, ID_TOKEN_TTL, REFRESH_TOKEN_TTL,
 * SESSION_TTL and SESSION_MAX_AGE. Their format, defaults, bounds and
 * relations; a bad value stops the start and `siwe-idp keys rotate`, which
 * keeps a retired key published for the longest of them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIFETIMES, formatDuration, parseDuration, readLifetimes, retiredKeyLifetime } from '../../src/config/lifetimes.js';
import { readConfig } from '../../src/config/env.js';
import { statusOf, type StoredJwks } from '../../src/config/key-rotation.js';
import { RETIRED_KEY_LIFETIME } from '../../src/oidc/token-lifetimes.js';
import { runCli } from '../support/cli-io.js';
import { problemsOf, startMain } from '../support/config.js';

const DAY = 86_400;

describe('lifetime settings', () => {
  it('default to the seed: tokens for an hour, a week idle for sessions and refresh tokens, 30 days at most', () => {
    assert.deepEqual(readConfig({}).lifetimes, {
      accessToken: 3600,
      idToken: 3600,
      refreshToken: 7 * DAY,
      session: 7 * DAY,
      sessionMaxAge: 30 * DAY,
    });
    assert.deepEqual(readLifetimes({}), DEFAULT_LIFETIMES);
  });

  it('read whole seconds or a number with s, m, h or d', () => {
    for (const [raw, seconds] of [
      ['3600', 3600],
      ['90s', 90],
      ['30m', 1800],
      ['1h', 3600],
      ['7d', 7 * DAY],
      [' 2H ', 7200],
    ] as const) {
      assert.equal(parseDuration(raw), seconds, raw);
    }
    for (const raw of ['', '1.5h', '-1', '1w', 'h', '1 h', '1h30m', '0x10', '1e3']) assert.equal(parseDuration(raw), undefined, raw);
    const config = readConfig({
      ACCESS_TOKEN_TTL: '15m',
      ID_TOKEN_TTL: '300',
      REFRESH_TOKEN_TTL: '2d',
      SESSION_TTL: '12h',
      SESSION_MAX_AGE: '14d',
    });
    assert.deepEqual(config.lifetimes, {
      accessToken: 900,
      idToken: 300,
      refreshToken: 2 * DAY,
      session: 12 * 3600,
      sessionMaxAge: 14 * DAY,
    });
    assert.deepEqual(readConfig({ SESSION_TTL: ' ', SESSION_MAX_AGE: '' }).lifetimes, DEFAULT_LIFETIMES, 'blank is the default');
  });

  it('formats a duration with the largest unit that divides it', () => {
    assert.equal(formatDuration(30 * DAY), '30d');
    assert.equal(formatDuration(3600), '1h');
    assert.equal(formatDuration(5400), '90m');
    assert.equal(formatDuration(61), '61s');
  });

  it('refuses values that are not durations, zero, or beyond the bounds, naming the setting and the bounds', () => {
    const problems = problemsOf({
      ACCESS_TOKEN_TTL: '0',
      ID_TOKEN_TTL: '2d',
      REFRESH_TOKEN_TTL: 'a week',
      SESSION_TTL: '-5',
      SESSION_MAX_AGE: '366d',
    });
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(
      problems[0]!,
      /^ACCESS_TOKEN_TTL must be a duration from 1s to 1d: whole seconds \(3600\) or a number with s, m, h or d .*got "0"$/,
    );
    assert.match(problems[1]!, /^ID_TOKEN_TTL must be a duration from 1s to 1d.*got "2d"$/);
    assert.match(problems[2]!, /^REFRESH_TOKEN_TTL must be a duration from 1s to 365d.*got "a week"$/);
    assert.match(problems[3]!, /^SESSION_TTL must be a duration from 1s to 365d.*got "-5"$/);
    assert.match(problems[4]!, /^SESSION_MAX_AGE must be a duration from 1s to 365d.*got "366d"$/);
  });

  it('refuses lifetimes longer than SESSION_MAX_AGE, saying why', () => {
    const problems = problemsOf({ SESSION_MAX_AGE: '1h', ACCESS_TOKEN_TTL: '2h', ID_TOKEN_TTL: '1h' });
    assert.deepEqual(problems, [
      'ACCESS_TOKEN_TTL (2h) must not exceed SESSION_MAX_AGE (1h): no token may outlive the longest a sign-in lasts',
      'REFRESH_TOKEN_TTL (7d) must not exceed SESSION_MAX_AGE (1h): a refresh token ends SESSION_MAX_AGE after the sign-in, however recently it was used',
      'SESSION_TTL (7d) must not exceed SESSION_MAX_AGE (1h): the idle timeout cannot outlast the absolute cap',
    ]);
    assert.deepEqual(problemsOf({ SESSION_TTL: '30d', REFRESH_TOKEN_TTL: '30d' }), [], 'equal to the cap is fine');
    assert.equal(problemsOf({ SESSION_TTL: '8d', SESSION_MAX_AGE: 'soon' }).length, 1, 'a bad cap is not compared with');
  });

  it('the start command refuses a bad lifetime with the reason, and no stack trace', async function () {
    this.timeout(20_000);
    const { code, stderr } = await startMain({ SESSION_TTL: '14d', SESSION_MAX_AGE: '1w', PORT: '0', LOG_LEVEL: 'silent' });
    assert.equal(code, 1);
    assert.match(stderr, /cannot start/);
    // The problem as it is logged (a JSON line escapes its quotes).
    assert.match(stderr, /SESSION_MAX_AGE must be a duration from 1s to 365d: .*got \\?"1w\\?"/);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
  });
});

describe('key retirement follows the lifetimes', () => {
  it('retires a key for the longest lifetime: SESSION_MAX_AGE, 30 days by default', () => {
    assert.equal(RETIRED_KEY_LIFETIME, 30 * DAY);
    assert.equal(retiredKeyLifetime(readLifetimes({ SESSION_MAX_AGE: '90d' })), 90 * DAY);
    assert.equal(retiredKeyLifetime(readLifetimes({ SESSION_MAX_AGE: '2h', SESSION_TTL: '1h', REFRESH_TOKEN_TTL: '1h' })), 2 * 3600);
  });

  it('siwe-idp keys rotate keeps the retired key published for the configured SESSION_MAX_AGE, and refuses a bad lifetime', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'siwe-idp-lifetimes-')), 'jwks.json');
    assert.equal((await runCli(['keys', 'generate', '--out', file])).code, 0);

    const refused = await runCli(['keys', 'rotate'], { env: { JWKS_FILE: file, SESSION_TTL: '60d' } });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /SESSION_TTL \(60d\) must not exceed SESSION_MAX_AGE \(30d\)/);
    assert.ok(!readFileSync(file, 'utf8').includes('retired'), 'nothing was rotated');

    const before = Date.now();
    const rotated = await runCli(['keys', 'rotate'], { env: { JWKS_FILE: file, SESSION_MAX_AGE: '45d' } });
    assert.equal(rotated.code, 0, rotated.stderr);
    const retired = (JSON.parse(readFileSync(file, 'utf8')) as StoredJwks).keys.filter((key) => statusOf(key) === 'retired');
    assert.equal(retired.length, 2);
    for (const key of retired) {
      const until = Date.parse(key.retired_until!);
      assert.ok(until >= before + 45 * DAY * 1000 && until <= Date.now() + 45 * DAY * 1000, key.retired_until);
    }
  });
});
