/**
 * Files only their owner may read (key sets, clients files with secrets),
 * written atomically: a temporary file with an unpredictable name in the
 * target's directory, created exclusively (never through a symlink planted at
 * its name), fsynced, then renamed over the target, and the directory
 * fsynced. The target ends with mode 0600 whatever its previous mode (a
 * stricter 0400 included: the owner rewrites it next time); a reader sees the
 * old file or the new one.
 */
import { constants, fstatSync, fchmodSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export const PRIVATE_MODE = 0o600;

/** O_CREAT | O_EXCL ('wx'): fails on any existing name, a symlink included; O_NOFOLLOW says so twice. */
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Creates a new file, 0600, failing (EEXIST) if anything, even a dangling symlink, has the name. */
export async function createPrivate(path: string): Promise<FileHandle> {
  const handle = await open(path, EXCLUSIVE, PRIVATE_MODE);
  try {
    await handle.chmod(PRIVATE_MODE); // the umask may have taken bits away; now exactly 0600
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** A name beside the target that nobody can guess in advance. */
export function temporaryPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(16).toString('hex')}.tmp`);
}

/** Replaces (or creates) `file` with `text`, atomically and readable only by its owner. */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  const temporary = temporaryPathFor(file);
  const handle = await createPrivate(temporary);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
}

/** Makes the rename itself durable; best effort (not every platform can fsync a directory). */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

/**
 * Makes an output descriptor that is a regular file (`> jwks.json`: the shell
 * created it with the umask's mode, often 0644) readable only by its owner,
 * before anything secret is written to it. Pipes and terminals are left alone.
 * Returns false when it is not a regular file.
 */
export function makeDescriptorPrivate(fd: number): boolean {
  if (!fstatSync(fd).isFile()) return false;
  fchmodSync(fd, PRIVATE_MODE);
  return true;
}
