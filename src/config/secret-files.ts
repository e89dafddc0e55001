/**
 * `<NAME>_FILE` for every secret setting: the Docker (and Kubernetes) secrets
 * convention. `COOKIE_KEYS_FILE=/run/secrets/cookie_keys` reads COOKIE_KEYS
 * from that file, so the secret never sits in the environment that
 * `docker inspect`, `/proc/<pid>/environ` or a crash dump shows.
 *
 *   - the file's content is the value, its trailing line breaks trimmed
 *     (`echo secret > file` writes one);
 *   - NAME and NAME_FILE both set is refused: which one wins would be a guess;
 *   - a file that cannot be read, is not a regular file, is empty or larger
 *     than 64 KiB stops the start, naming the variable and the path. Never
 *     the content: a problem message is logged.
 *
 * JWKS_FILE and CLIENTS_FILE are files already.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { optional } from './values.js';

/** The settings that hold secrets, each also read from `<NAME>_FILE`. */
export const SECRET_SETTINGS = [
  'COOKIE_KEYS',
  'REGISTRATION_INITIAL_ACCESS_TOKEN',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_CLUSTER_NODES',
  'RPC_URLS',
  'ENS_RPC_URL',
] as const;

export const MAX_SECRET_FILE_BYTES = 64 * 1024;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied (the server runs as its own user: make the file readable by it)',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

/** The file's text, or why not (a reason naming neither the variable nor the content). */
function readSecretFile(path: string): { value: string } | { reason: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { reason: REASONS[code] ?? code };
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { reason: REASONS.EISDIR! };
    if (!stats.isFile()) return { reason: 'not a regular file' };
    if (stats.size > MAX_SECRET_FILE_BYTES) return { reason: `larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB` };
    const value = readFileSync(fd, 'utf8').replace(/[\r\n]+$/, '');
    if (value.trim() === '') return { reason: 'it is empty' };
    return { value };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { reason: REASONS[code] ?? code };
  } finally {
    closeSync(fd);
  }
}

/**
 * `env` with each `<NAME>_FILE` of SECRET_SETTINGS read into NAME (and the
 * `_FILE` variable dropped, so reading the result again reads nothing). A
 * problem is added for each refusal; `env` itself is not changed.
 */
export function readSecretFiles(env: NodeJS.ProcessEnv, problems: string[]): NodeJS.ProcessEnv {
  let resolved: NodeJS.ProcessEnv | undefined;
  for (const name of SECRET_SETTINGS) {
    const fileVariable = `${name}_FILE`;
    const path = optional(env[fileVariable]);
    if (path === undefined) continue;
    resolved ??= { ...env };
    delete resolved[fileVariable];
    if (optional(env[name]) !== undefined) {
      problems.push(`${name} and ${fileVariable} are both set: set one of them (${fileVariable} reads the value from a file)`);
      continue;
    }
    const read = readSecretFile(path);
    if ('reason' in read) {
      problems.push(`${fileVariable} ${path} cannot be read: ${read.reason}`);
      continue;
    }
    resolved[name] = read.value;
  }
  return resolved ?? env;
}
