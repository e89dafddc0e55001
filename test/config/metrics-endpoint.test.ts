/** METRICS_PORT and METRICS_HOST: off unless METRICS_PORT is set; every bad value a problem that stops the start. */
import assert from 'node:assert/strict';
import { readConfig } from '../../src/config/env.js';
import { problemsOf } from '../support/config.js';
import { parseMetricsEndpoint } from '../../src/config/metrics-endpoint.js';

describe('METRICS_PORT, METRICS_HOST', () => {
  it('unset or blank: no metrics', () => {
    assert.equal(readConfig({}).metrics, undefined);
    assert.equal(readConfig({ METRICS_PORT: '', METRICS_HOST: ' ' }).metrics, undefined);
  });

  it('a port, on every interface unless METRICS_HOST names one', () => {
    assert.deepEqual(readConfig({ METRICS_PORT: '9464' }).metrics, { port: 9464, host: undefined });
    assert.deepEqual(readConfig({ METRICS_PORT: ' 9464 ', METRICS_HOST: '127.0.0.1' }).metrics, { port: 9464, host: '127.0.0.1' });
    assert.deepEqual(readConfig({ METRICS_PORT: '1', METRICS_HOST: '0.0.0.0' }).metrics, { port: 1, host: '0.0.0.0' });
    assert.deepEqual(readConfig({ METRICS_PORT: '65535', METRICS_HOST: '[::1]' }).metrics, { port: 65535, host: '::1' });
    assert.deepEqual(readConfig({ METRICS_PORT: '9464', METRICS_HOST: '::' }).metrics, { port: 9464, host: '::' });
    assert.deepEqual(readConfig({ METRICS_PORT: '9464', METRICS_HOST: 'metrics.internal' }).metrics, {
      port: 9464,
      host: 'metrics.internal',
    });
    // PORT=0 (any free port) cannot collide.
    assert.deepEqual(readConfig({ PORT: '0', METRICS_PORT: '3000' }).metrics, { port: 3000, host: undefined });
  });

  it('refuses a port that is not one, the public port, a host that is not one, or a host without a port', () => {
    for (const raw of ['0', '65536', '70000', '-1', '9464.0', '0x24e8', 'metrics', '9464,9465']) {
      assert.deepEqual(
        problemsOf({ METRICS_PORT: raw }),
        [`METRICS_PORT must be a whole number from 1 to 65535 (unset: no metrics), got "${raw}"`],
        raw,
      );
    }
    assert.deepEqual(problemsOf({ METRICS_PORT: '3000' }), [
      'METRICS_PORT must differ from PORT (3000): metrics are served on a port of their own, never the public one',
    ]);
    assert.deepEqual(problemsOf({ PORT: '8080', METRICS_PORT: '8080' }).length, 1);
    for (const host of ['not a host', 'http://127.0.0.1', '127.0.0.1:9464', '[localhost]', '-bad.example', 'a..b']) {
      assert.match(
        problemsOf({ METRICS_PORT: '9464', METRICS_HOST: host })[0] ?? '',
        /^METRICS_HOST must be an IP address or a host name/,
        host,
      );
    }
    assert.deepEqual(problemsOf({ METRICS_HOST: '127.0.0.1' }), [
      'METRICS_HOST is set but METRICS_PORT is not: set METRICS_PORT to serve metrics',
    ]);
  });

  it('lists every problem at once', () => {
    const problems: string[] = [];
    assert.equal(parseMetricsEndpoint({ METRICS_PORT: 'x', METRICS_HOST: 'a b' }, 3000, problems), undefined);
    assert.equal(problems.length, 2);
  });
});
