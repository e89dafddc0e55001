/**
 * keyv's record format at a fraction of its cost. keyv's own serializer
 * (@keyv/serialize) walks every value by hand to escape strings that start
 * with ":" (its Buffer marker) and parses with a reviver; on a login's store
 * traffic that was the largest cost beyond oidc-provider's own work.
 *
 * These produce and read exactly the same strings: a value is written with
 * JSON.stringify and read with JSON.parse, unless some string in it starts
 * with ":" (the text then shows `":` right after `:`, `,` or `[`), in which
 * case keyv's own functions do it. Nothing we store holds a Buffer. So data
 * written by an earlier version, by a plain keyv, or by another instance still
 * on keyv's serializer reads the same (test/storage/keyv-serialization.test.ts
 * checks both directions on generated values).
 */
import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import type { Keyv } from 'keyv';

type Serialize = NonNullable<Keyv['serialize']>;
type Deserialize = NonNullable<Keyv['deserialize']>;

/** A string that starts with ":" somewhere in the JSON text (a value, an array element or a key). */
const COLON_STRING = /[:,[]":/;

export const serialize: Serialize = (data) => {
  const text = JSON.stringify(data);
  return COLON_STRING.test(text) ? defaultSerialize(data) : text;
};

export const deserialize: Deserialize = (text) => (COLON_STRING.test(text) ? defaultDeserialize(text) : JSON.parse(text));
