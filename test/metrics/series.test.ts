/**
 * The hot-path counters and histograms (src/metrics/series.ts) against
 * prom-client's own Counter and Histogram as the oracle: fed the same label
 * values and observations, the two registries render the same exposition
 * (Prometheus text and OpenMetrics, line for line) and the same JSON.
 */
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { FastCounter, FastHistogram } from '../../src/metrics/series.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
// Values on the bounds, between them, below the first, above the last, 0 and negative.
const OBSERVED = [0, -1, 0.0001, 0.0005, 0.00051, 0.001, 0.003, 0.01, 0.0999, 0.1, 0.7, 1, 2.5, 2.6, 30, 1e-9];
// Label values the exposition must escape, and plain ones.
const LABELS: ReadonlyArray<readonly [string, string]> = [
  ['get', 'ok'],
  ['get', 'error'],
  ['set', 'ok'],
  ['quote"d', 'back\\slash'],
  ['new\nline', ''],
];

function registries(contentType: RegistryContentType) {
  // prom-client's types leave out the constructor's content type argument.
  const RegistryOf = Registry as unknown as new (type: RegistryContentType) => Registry<RegistryContentType>;
  const ours = new RegistryOf(contentType);
  const theirs = new RegistryOf(contentType);
  const labelNames = ['operation', 'result'] as const;
  const counterOptions = { name: 'calls_total', help: 'Calls "by" operation\\result', labelNames };
  const histogramOptions = { name: 'call_seconds', help: 'Time per call', labelNames, buckets: BUCKETS };
  return {
    ours,
    theirs,
    counters: [new FastCounter({ ...counterOptions, registers: [ours] }), new Counter({ ...counterOptions, registers: [theirs] })] as const,
    histograms: [
      new FastHistogram({ ...histogramOptions, registers: [ours] }),
      new Histogram({ ...histogramOptions, registers: [theirs] }),
    ] as const,
  };
}

function feed(setup: ReturnType<typeof registries>): void {
  const [fastCounter, counter] = setup.counters;
  const [fastHistogram, histogram] = setup.histograms;
  LABELS.forEach(([operation, result], i) => {
    // Series asked for again and again: the same series each time.
    for (let n = 0; n <= i; n++) {
      fastCounter.labels(operation, result).inc();
      counter.labels(operation, result).inc();
    }
    fastCounter.labels(operation, result).inc(2.5);
    counter.labels(operation, result).inc(2.5);
    for (const value of OBSERVED.slice(i)) {
      fastHistogram.labels(operation, result).observe(value);
      histogram.labels(operation, result).observe(value);
    }
  });
}

describe('the hot-path metrics (FastCounter, FastHistogram)', () => {
  for (const contentType of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE]) {
    it(`render what prom-client's Counter and Histogram render (${contentType.split(';')[0]})`, async () => {
      const setup = registries(contentType);
      feed(setup);
      const [ours, theirs] = [await setup.ours.metrics(), await setup.theirs.metrics()];
      assert.ok(ours.includes('call_seconds_bucket{le="0.0005",operation="get",result="ok"} 5'), ours);
      assert.ok(ours.includes('operation="quote\\"d",result="back\\\\slash"'), 'label values escaped');
      assert.deepEqual(ours.split('\n'), theirs.split('\n'));
    });
  }

  it('give the same JSON as prom-client (getMetricsAsJSON)', async () => {
    const setup = registries(Registry.PROMETHEUS_CONTENT_TYPE);
    feed(setup);
    // As JSON: prom-client's _sum and _count values carry `exemplar: undefined`, which JSON leaves out.
    const asJson = async (registry: Registry<RegistryContentType>) =>
      JSON.parse(JSON.stringify(await registry.getMetricsAsJSON())) as unknown;
    assert.deepEqual(await asJson(setup.ours), await asJson(setup.theirs));
  });

  it('a series held by its caller keeps counting after resetMetrics()', async () => {
    const setup = registries(Registry.PROMETHEUS_CONTENT_TYPE);
    const [fastCounter] = setup.counters;
    const [fastHistogram] = setup.histograms;
    const calls = fastCounter.labels('get', 'ok');
    const times = fastHistogram.labels('get', 'ok');
    calls.inc(5);
    times.observe(0.2);
    setup.ours.resetMetrics();
    calls.inc();
    times.observe(0.003);
    const text = await setup.ours.metrics();
    assert.match(text, /^calls_total\{operation="get",result="ok"\} 1$/m);
    assert.match(text, /^call_seconds_count\{operation="get",result="ok"\} 1$/m);
    assert.match(text, /^call_seconds_sum\{operation="get",result="ok"\} 0\.003$/m);
    assert.match(text, /^call_seconds_bucket\{le="0\.0025",operation="get",result="ok"\} 0$/m);
    assert.match(text, /^call_seconds_bucket\{le="0\.005",operation="get",result="ok"\} 1$/m);
  });

  it('refuses a wrong number of label values when the series is first made', () => {
    const setup = registries(Registry.PROMETHEUS_CONTENT_TYPE);
    assert.throws(() => setup.counters[0].labels('get'), /2 label values expected, got 1/);
    assert.throws(() => setup.histograms[0].labels('get', 'ok', 'extra'), /2 label values expected, got 3/);
  });
});
