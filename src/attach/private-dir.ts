// The attach socket's directory: a subdirectory of the state dir that this program creates
// owner-only. An existing directory is checked, never changed: the state dir may be shared (1777,
// 0775) and chmod-ing it would break it for everyone else, so the socket lives one level below it,
// and a socket directory that others could write into (replace the socket) is refused.
import {mkdirSync, statSync} from 'node:fs';

/** Creates `dir` (and missing parents) owner-only, or checks that the existing one is private. */
export function privateDirectory(dir: string): void {
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const stat = statSync(dir);
  const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new Error(`the socket directory ${dir} belongs to another user (uid ${stat.uid}): remove it, or use another --state-dir`);
  }
  if (stat.mode & 0o022) {
    throw new Error(`the socket directory ${dir} is writable by others (mode ${mode}): make it private (chmod 700), or use another --state-dir`);
  }
}
