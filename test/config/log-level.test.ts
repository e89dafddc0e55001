/** LOG_LEVEL is read with the rest of the configuration. */
import assert from 'node:assert/strict';
import { readConfig } from '../../src/config/env.js';
import { problemsOf } from '../support/config.js';

describe('LOG_LEVEL', () => {
  it('defaults to info, accepts info, warn, error and silent, and refuses anything else', () => {
    assert.equal(readConfig({}).logLevel, 'info');
    for (const level of ['info', 'warn', 'error', 'silent', 'WARN'])
      assert.equal(readConfig({ LOG_LEVEL: level }).logLevel, level.toLowerCase());
    assert.match(problemsOf({ LOG_LEVEL: 'debug' }).join('\n'), /LOG_LEVEL must be one of info, warn, error, silent/);
  });
});
