/**
 * The store's fast keyv serializer against keyv's own (@keyv/serialize), on
 * generated records: the same text out, the same value back, in both
 * directions, so data written before the switch (or by a plain keyv) reads
 * unchanged. Strings starting with ":" (keyv's escape) are generated often.
 */
import assert from 'node:assert/strict';
import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import { deserialize, serialize } from '../../src/storage/keyv-serialization.js';
import { Prng } from '../support/prng.js';

const ALPHABET = ':,[]{}"\\ab/é😀\n\t0';

function string(prng: Prng): string {
  const text = prng.chars(ALPHABET, prng.int(0, 8));
  return prng.chance(0.3) ? `:${text}` : text;
}

function value(prng: Prng, depth: number): unknown {
  const kind = prng.int(0, depth > 2 ? 3 : 5);
  if (kind === 0) return string(prng);
  if (kind === 1) return prng.chance(0.5) ? prng.int(-1e6, 1e6) : prng.float() * 1e9;
  if (kind === 2) return prng.chance(0.5);
  if (kind === 3) return null;
  if (kind === 4) return Array.from({ length: prng.int(0, 4) }, () => value(prng, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = prng.int(0, 4); i > 0; i--) object[string(prng)] = value(prng, depth + 1);
  return object;
}

describe('keyv serialization (storage/keyv-serialization.ts)', () => {
  it('writes the same text as keyv and reads back the same value, on 5,000 generated records', () => {
    let escaped = 0;
    for (let i = 0; i < 5000; i++) {
      const prng = new Prng(20261129, i);
      const record = { value: value(prng, 0), expires: prng.chance(0.5) ? Date.now() + prng.int(1, 1e6) : undefined };
      const ours = serialize(record) as string;
      const theirs = defaultSerialize(record);
      assert.equal(ours, theirs, `case ${i}`);
      if (theirs.includes('"::')) escaped++;
      assert.deepEqual(deserialize(theirs), defaultDeserialize(theirs), `case ${i}: reading keyv's text`);
      assert.deepEqual(defaultDeserialize(ours), deserialize(ours), `case ${i}: keyv reading ours`);
    }
    assert.ok(escaped > 500, `only ${escaped} records held an escaped ":" string`);
  });

  it('keeps a string that starts with ":" through a round trip', () => {
    const record = { value: { state: ':x', list: [':a', 'b'], '::key': '::' }, expires: 5 };
    assert.deepEqual(deserialize(serialize(record) as string), record);
  });
});
