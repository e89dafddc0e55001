/** RATE_LIMITS and MEMORY_STORE_MAX_ENTRIES: defaults, the format, `off`, the REGISTRATION_RATE_LIMIT alias, refusals. */
import assert from 'node:assert/strict';
import { readConfig } from '../../src/config/env.js';
import { DEFAULT_RATE_LIMITS, DEFAULT_RATE_LIMITS_TEXT, describeRateLimits, LIMIT_NAMES } from '../../src/config/rate-limits.js';
import { deploymentWarnings } from '../../src/config/settings.js';
import { problemsOf, startMain } from '../support/config.js';

const limits = (env: NodeJS.ProcessEnv) => readConfig(env).rateLimits;

describe('RATE_LIMITS', () => {
  it('defaults to limits a person never reaches, written as RATE_LIMITS would write them', () => {
    assert.deepEqual(limits({}), DEFAULT_RATE_LIMITS);
    assert.equal(describeRateLimits(limits({})), DEFAULT_RATE_LIMITS_TEXT);
    assert.deepEqual(limits({ RATE_LIMITS: DEFAULT_RATE_LIMITS_TEXT }), DEFAULT_RATE_LIMITS);
    assert.deepEqual(limits({ RATE_LIMITS: '' }), DEFAULT_RATE_LIMITS, 'blank is unset');
  });

  it('reads <name>=<count>/<window>; a name left out keeps its default', () => {
    const read = limits({
      RATE_LIMITS:
        ' auth=5/second, token=7/Minute ,login=1/hours,session_end=3/day,registration=2/hour,device=6/minute,user_code=8/hour,address=4/minute,cross_device=8/minute,',
    });
    assert.deepEqual(read, {
      auth: { max: 5, windowSeconds: 1 },
      token: { max: 7, windowSeconds: 60 },
      login: { max: 1, windowSeconds: 3600 },
      session_end: { max: 3, windowSeconds: 86_400 },
      registration: { max: 2, windowSeconds: 3600 },
      device: { max: 6, windowSeconds: 60 },
      user_code: { max: 8, windowSeconds: 3600 },
      address: { max: 4, windowSeconds: 60 },
      cross_device: { max: 8, windowSeconds: 60 },
    });
    assert.deepEqual(limits({ RATE_LIMITS: 'token=1000/minute' }), { ...DEFAULT_RATE_LIMITS, token: { max: 1000, windowSeconds: 60 } });
  });

  it('off turns every limit off; <name>=off one of them', () => {
    for (const off of ['off', 'OFF', ' off ']) {
      const read = limits({ RATE_LIMITS: off, REGISTRATION_RATE_LIMIT: '5/minute' });
      for (const name of LIMIT_NAMES) assert.equal(read[name], null, `${off}: ${name}`);
      assert.equal(describeRateLimits(read), 'off');
    }
    assert.deepEqual(limits({ RATE_LIMITS: 'token=off' }), { ...DEFAULT_RATE_LIMITS, token: null });
  });

  it('REGISTRATION_RATE_LIMIT stays as the alias of registration=', () => {
    assert.deepEqual(limits({ REGISTRATION_RATE_LIMIT: '5/minute' }), {
      ...DEFAULT_RATE_LIMITS,
      registration: { max: 5, windowSeconds: 60 },
    });
    assert.deepEqual(limits({ REGISTRATION_RATE_LIMIT: '5/minute', RATE_LIMITS: 'auth=9/minute' }).registration, {
      max: 5,
      windowSeconds: 60,
    });
    assert.match(
      problemsOf({ REGISTRATION_RATE_LIMIT: '5/minute', RATE_LIMITS: 'registration=6/minute' }).join('\n'),
      /REGISTRATION_RATE_LIMIT and RATE_LIMITS both set the registration limit/,
    );
  });

  it('a bad value stops the start, naming what to write', () => {
    const bad: Record<string, RegExp> = {
      'auth=60/fortnight': /"auth=60\/fortnight" must be auth=<count>\/<window> or auth=off/,
      'auth=0/minute': /"auth=0\/minute" must be/,
      'auth=1000001/minute': /must be/,
      'auth=-1/minute': /must be/,
      'auth=1.5/minute': /must be/,
      'auth=60': /must be/,
      'auth=60/minute=2': /must be/,
      'auth=': /must be/,
      auth: /must be/,
      'logins=5/minute': /unknown limit "logins"/,
      '60/minute': /unknown limit "60\/minute"/,
      'auth=1/minute,auth=2/minute': /names "auth" twice/,
      on: /unknown limit "on"/,
    };
    for (const [value, expected] of Object.entries(bad)) {
      assert.match(problemsOf({ RATE_LIMITS: value }).join('\n'), expected, value);
    }
    assert.match(problemsOf({ REGISTRATION_RATE_LIMIT: 'lots' }).join('\n'), /REGISTRATION_RATE_LIMIT must look like "20\/hour"/);
    assert.match(problemsOf({ RATE_LIMITS: 'off', REGISTRATION_RATE_LIMIT: 'lots' }).join('\n'), /REGISTRATION_RATE_LIMIT must look like/);
  });

  it('says loudly at start when limits are off', () => {
    const warnings = (env: NodeJS.ProcessEnv) => deploymentWarnings(readConfig(env)).join('\n');
    assert.doesNotMatch(warnings({}), /RATE_LIMITS/);
    assert.match(warnings({ RATE_LIMITS: 'off' }), /RATE_LIMITS=off: no abuse limits/);
    assert.match(warnings({ RATE_LIMITS: 'token=off,address=off' }), /RATE_LIMITS turns off the token, address limits/);
  });
});

describe('MEMORY_STORE_MAX_ENTRIES', () => {
  it('defaults to 100000 and takes a whole number from 100', () => {
    assert.equal(readConfig({}).memoryStoreMaxEntries, 100_000);
    assert.equal(readConfig({ MEMORY_STORE_MAX_ENTRIES: '250' }).memoryStoreMaxEntries, 250);
    for (const bad of ['0', '99', '1e6', 'lots', '-5']) {
      assert.match(
        problemsOf({ MEMORY_STORE_MAX_ENTRIES: bad }).join('\n'),
        /MEMORY_STORE_MAX_ENTRIES must be a whole number from 100/,
        bad,
      );
    }
  });
});

describe('CROSS_DEVICE_MAX_WAITING', () => {
  it('defaults to 20 and takes a whole number from 1', () => {
    assert.equal(readConfig({}).crossDeviceMaxWaiting, 20);
    assert.equal(readConfig({ CROSS_DEVICE_MAX_WAITING: '2000' }).crossDeviceMaxWaiting, 2000);
    for (const bad of ['0', '1e3', 'many', '-1', '1000001']) {
      assert.match(
        problemsOf({ CROSS_DEVICE_MAX_WAITING: bad }).join('\n'),
        /CROSS_DEVICE_MAX_WAITING must be a whole number from 1 to 1000000/,
        bad,
      );
    }
  });
});

describe('the start command', function () {
  this.timeout(20_000);

  it('refuses to start on a bad RATE_LIMITS, and --help lists the settings', async () => {
    const refused = await startMain({ RATE_LIMITS: 'auth=lots' });
    assert.equal(refused.code, 1);
    // The message as written, or inside a JSON log line (LOG_FORMAT=json).
    assert.match(refused.stderr, /RATE_LIMITS: \\?"auth=lots\\?" must be/);
    const { stdout } = await startMain({}, '--help');
    for (const name of ['RATE_LIMITS', 'MEMORY_STORE_MAX_ENTRIES', 'REGISTRATION_RATE_LIMIT', 'CROSS_DEVICE_MAX_WAITING']) {
      assert.match(stdout, new RegExp(`^  ${name}\\b`, 'm'), name);
    }
  });
});
