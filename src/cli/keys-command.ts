/** `siwe-idp keys generate|rotate|list`: the signing keys in a JWKS file. */
import { lstat } from 'node:fs/promises';
import { generateKey, generateRotatingJwks, readStoredJwks } from '../config/keys.js';
import { algorithmOf, isExpiredRetiree, rotate, statusOf, type StoredJwks } from '../config/key-rotation.js';
import { optional } from '../config/values.js';
import { readLifetimes, retiredKeyLifetime } from '../config/lifetimes.js';
import { parseOptions } from './args.js';
import { CommandError, table, UsageError, type Io } from './io.js';
import { writePrivateFile } from './private-file.js';

function fileOf(option: string | undefined, io: Io): string {
  const file = option ?? optional(io.env.JWKS_FILE);
  if (!file) throw new UsageError('say which key file: --file <path>, or set JWKS_FILE');
  return file;
}

/** Anything at the name, a dangling symlink included. */
const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

const writeJwks = (file: string, jwks: StoredJwks) => writePrivateFile(file, `${JSON.stringify(jwks, null, 2)}\n`);

async function generate(args: string[], io: Io): Promise<void> {
  const { values } = parseOptions({ args, options: { out: { type: 'string' }, force: { type: 'boolean' } }, strict: true });
  const jwks = await generateRotatingJwks();
  if (!values.out) {
    io.privateOut(); // `> jwks.json` (or `npm run -s keys > jwks.json`): 0600 before the private keys go in
    io.out(JSON.stringify(jwks, null, 2));
    return;
  }
  if ((await exists(values.out)) && !values.force) {
    throw new CommandError(`${values.out} exists: rotate it with "keys rotate --file ${values.out}", or overwrite it with --force`);
  }
  await writeJwks(values.out, jwks);
  io.out(`wrote ${values.out}: ES256 and RS256 signing keys, and the next key of each, published but not signing yet`);
  io.out(`serve it with JWKS_FILE=${values.out}; keep it secret (it holds private keys)`);
}

async function rotateCommand(args: string[], io: Io): Promise<void> {
  const { values } = parseOptions({ args, options: { file: { type: 'string' } }, strict: true });
  const file = fileOf(values.file, io);
  // The server's own lifetimes, from the same environment: a bad one stops the rotation as it stops the start.
  const retireForSeconds = retiredKeyLifetime(readLifetimes(io.env));
  const result = await rotate(await readStoredJwks(file), {
    now: new Date(),
    retireForSeconds,
    generate: generateKey,
  });
  await writeJwks(file, result.jwks);
  for (const change of result.changes) io.out(change);
  io.out(`wrote ${file}; restart every server instance to use it`);
}

async function list(args: string[], io: Io): Promise<void> {
  const { values } = parseOptions({ args, options: { file: { type: 'string' } }, strict: true });
  const { keys } = await readStoredJwks(fileOf(values.file, io));
  const now = new Date();
  const rows = keys.map((key) => {
    const status = statusOf(key);
    const note = {
      current: 'signs',
      next: 'published; the next rotation makes it sign',
      retired: isExpiredRetiree(key, now)
        ? `published until ${key.retired_until}: past, the next rotation removes it`
        : `published until ${key.retired_until}`,
    }[status];
    return [String(key.kid), String(algorithmOf(key)), status, note];
  });
  io.out(table([['KID', 'ALG', 'STATUS', ''], ...rows]));
}

export async function keysCommand(args: string[], io: Io): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'generate':
      return generate(rest, io);
    case 'rotate':
      return rotateCommand(rest, io);
    case 'list':
      return list(rest, io);
    default:
      throw new UsageError(`keys: expected generate, rotate or list${sub ? `, got "${sub}"` : ''}`);
  }
}
