// Small tmpfs mounts for tests of full disks and read-only file systems. Root can write through
// any chmod, so a real read-only mount (or a real small disk) is the only honest way to get EROFS
// or ENOSPC here. Mounting needs root and a kernel that lets this sandbox mount; where it cannot,
// `mountSupport` says why, and the tests that need it are skipped with that reason in their name.
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export interface Mount {
  readonly dir: string;
  /** Remounts it read-only (what was written stays readable). */
  readOnly(): void;
  /** Remounts it with another size (MiB): "free space" on demand. */
  resize(mebibytes: number): void;
  unmount(): void;
}

function mountTmpfs(dir: string, mebibytes: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mebibytes}m,mode=0755`, 'tmpfs', dir], {stdio: 'pipe'});
}

/** Null when tmpfs mounts work here, else the reason they do not (checked once, at load). */
export const mountUnsupported: string | null = (() => {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'tmpfs mounts need root (tests run as a regular user here)';
  const probe = mkdtempSync(join(tmpdir(), 'backfill-mount-probe-'));
  try {
    mountTmpfs(probe, 1);
    execFileSync('umount', [probe], {stdio: 'pipe'});
    return null;
  } catch (error) {
    const stderr = (error as {stderr?: Buffer}).stderr?.toString().trim();
    return `this machine does not allow mounting a tmpfs (${stderr || (error as Error).message})`;
  } finally {
    rmSync(probe, {recursive: true, force: true});
  }
})();

/** A fresh tmpfs of `mebibytes` MiB in a temp dir; unmount() removes it. */
export function tmpfs(mebibytes: number): Mount {
  const dir = mkdtempSync(join(tmpdir(), 'backfill-tmpfs-'));
  mountTmpfs(dir, mebibytes);
  const remount = (options: string) => execFileSync('mount', ['-o', `remount,${options}`, dir], {stdio: 'pipe'});
  return {
    dir,
    readOnly: () => remount('ro'),
    resize: (size) => remount(`size=${size}m`),
    unmount() {
      spawnSync('umount', [dir]);
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

/** The test's title with the reason it is skipped here, so a skip is never silent. */
export function needsMount(title: string): string {
  return mountUnsupported ? `${title} (skipped: ${mountUnsupported})` : title;
}
