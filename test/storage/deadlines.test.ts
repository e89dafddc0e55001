import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { Deadlines } from '../../src/storage/deadlines.js';

const mapped = (error: unknown) => new Error(`mapped: ${error instanceof Error ? error.message : String(error)}`);

describe('Deadlines', () => {
  it("settles with the operation's own value or mapped failure", async () => {
    const deadlines = new Deadlines(1000);
    assert.equal(await deadlines.bound(Promise.resolve(42), mapped), 42);
    await assert.rejects(deadlines.bound(Promise.reject(new Error('refused')), mapped), /^Error: mapped: refused$/);
    assert.equal(deadlines.pending, 0);
  });

  it('rejects an operation that has not settled once its bound has passed, between 1 and 1.1 times the bound', async () => {
    const deadlines = new Deadlines(200);
    const started = performance.now();
    const never = new Promise<never>(() => undefined);
    await assert.rejects(deadlines.bound(never, mapped), /^Error: mapped: no reply within 200 ms$/);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 200 && elapsed < 200 * 1.1 + 50, `${elapsed} ms`);
    assert.equal(deadlines.pending, 0);
  });

  it('bounds each of many concurrent operations by its own start, and a late outcome changes nothing', async () => {
    const deadlines = new Deadlines(150);
    let settleLate: (value: string) => void = () => undefined;
    const late = deadlines.bound(new Promise<string>((resolve) => (settleLate = resolve)), mapped);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const quick = deadlines.bound(new Promise<string>((resolve) => setTimeout(() => resolve('quick'), 20)), mapped);
    const slow = deadlines.bound(new Promise<never>(() => undefined), mapped);
    assert.equal(await quick, 'quick');
    await assert.rejects(late, /no reply within 150 ms/);
    settleLate('too late');
    await assert.rejects(slow, /no reply within 150 ms/);
    assert.equal(deadlines.pending, 0);
  });
});
