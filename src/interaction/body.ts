/**
 * The one place a POST body under /interaction is read and checked, before the
 * handler runs and so before anything is written. A body is optional; when
 * present it is JSON (an object) or an HTML form, at most 16 KB after any
 * Content-Encoding, holding only the route's named fields, each once and a
 * string. Anything else is a Problem with code `invalid_request`: 415 for another
 * media type or an unknown Content-Encoding, 413 for a body too large, 400 for
 * the rest. Parser failures are told apart by their properties (raw-body's
 * `type`, zlib's `code`, inflation's `status`, co-body's `body`), never by message.
 * A JSON `__proto__` key is refused by the parser; every other unknown name,
 * `constructor` and `prototype` included, is refused here; the fields handed on
 * are a frozen object without a prototype.
 */
import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { Problem } from '../web/problem.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

export type Fields = Readonly<Partial<Record<string, string>>>;

const bad = (description: string) => new Problem('invalid_request', description);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** co-body refuses, with the same SyntaxError, broken JSON, a top-level scalar and a `__proto__` key: tell them apart. */
function jsonProblem(text: string): Problem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('the request body is not valid JSON');
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return bad('"__proto__" is not accepted as a field name');
  return bad(`the request body must be a JSON object, not ${kindOf(value)}`);
}

function parserProblem(error: unknown, ctx: Context): Problem {
  const { status, type, code, body } = error as { status?: unknown; type?: unknown; code?: unknown; body?: unknown };
  if (type === 'entity.too.large') return new Problem('invalid_request', 'the request body is larger than 16 KB', 413);
  if (typeof code === 'string' && code.startsWith('Z_')) return bad(`the request body is not valid ${ctx.get('Content-Encoding')} data`);
  if (status === 415) return new Problem('invalid_request', 'unsupported Content-Encoding: use gzip, deflate, br or none', 415);
  if (type === 'request.size.invalid') return bad('the request body does not match its Content-Length');
  if (typeof body === 'string' && ctx.request.is(JSON_TYPE)) return jsonProblem(body);
  return bad('the request body could not be read');
}

const parse = bodyParser({
  enableTypes: ['json', 'form'],
  jsonLimit: '16kb',
  formLimit: '16kb',
  onError: (error, ctx) => {
    throw parserProblem(error, ctx);
  },
});

const hasBody = (ctx: Context) => ctx.get('Transfer-Encoding') !== '' || (ctx.request.length ?? 0) > 0;

/** The body's name/value pairs: a form's as written (flat names; a repeated name appears twice), a JSON object's members. */
async function entriesOf(ctx: Context): Promise<[string, unknown][]> {
  if (!hasBody(ctx)) return [];
  if (!ctx.request.is(JSON_TYPE, FORM_TYPE)) {
    throw new Problem('invalid_request', `send the request body as ${JSON_TYPE} or ${FORM_TYPE}`, 415);
  }
  await parse(ctx, async () => undefined);
  if (ctx.request.body === undefined) throw bad('the request ended before its body arrived');
  if (ctx.request.is(FORM_TYPE)) return [...new URLSearchParams(ctx.request.rawBody)];
  const { body } = ctx.request;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bad(`the request body must be a JSON object, not ${kindOf(body)}`);
  }
  return Object.entries(body);
}

/** Middleware: reads the body into `ctx.state.fields` (see fieldsOf), accepting only the fields named. */
export function acceptBody(...names: string[]) {
  const expected = names.length ? `only ${names.map((name) => `"${name}"`).join(' and ')}` : 'no fields';
  return async (ctx: Context, next: Next): Promise<void> => {
    const fields: Record<string, string> = Object.create(null);
    for (const [name, value] of await entriesOf(ctx)) {
      if (!names.includes(name)) throw bad(`unknown field in the request body; this step takes ${expected}`);
      if (name in fields) throw bad(`"${name}" is given more than once`);
      if (typeof value !== 'string') throw bad(`"${name}" must be a string`);
      fields[name] = value;
    }
    ctx.state.fields = Object.freeze(fields);
    await next();
  };
}

/** The fields acceptBody read: each a string or absent. */
export function fieldsOf(ctx: Context): Fields {
  return (ctx.state.fields as Fields | undefined) ?? {};
}
