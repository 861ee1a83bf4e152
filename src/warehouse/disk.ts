// The disk a file lives on, for messages about a full one: its mount point, size and free space,
// so that "no space left" says where and how much. Linux names the mount point through
// /proc/self/mounts; elsewhere the file's directory stands for it.
import {readFileSync, realpathSync, statfsSync, statSync} from 'node:fs';
import {dirname, sep} from 'node:path';
import {formatBytes} from './sizes.js';

/** The longest mount point that holds `dir` (and its type), or null where /proc is not there. */
function mountOf(dir: string): {readonly point: string; readonly type: string} | null {
  let mounts: string;
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return null;
  }
  let best: {point: string; type: string} | null = null;
  for (const line of mounts.split('\n')) {
    const [, rawPoint, type] = line.split(' ');
    if (!rawPoint) continue;
    // The file escapes spaces and tabs in paths as octal (\040).
    const point = rawPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    const holds = point === '/' || dir === point || dir.startsWith(point.endsWith(sep) ? point : point + sep);
    if (holds && (!best || point.length >= best.point.length)) best = {point, type};
  }
  return best;
}

/** "the disk mounted on /data (ext4, 40 MB, 0 B free)", or as much of it as can be known. */
export function describeDisk(file: string): string {
  let dir = dirname(file);
  try {
    dir = realpathSync(dir);
  } catch {
    // keep the path as given
  }
  const mount = mountOf(dir);
  const name = mount ? `the disk mounted on ${mount.point}` : `the disk holding ${dir}`;
  try {
    const fs = statfsSync(dir);
    const kind = mount ? `${mount.type}, ` : '';
    return `${name} (${kind}${formatBytes(fs.blocks * fs.bsize)}, ${formatBytes(fs.bavail * fs.bsize)} free)`;
  } catch {
    return name;
  }
}

/** A file's size in bytes, 0 when it is not there. */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Whether a DuckDB or file-system message says the disk (or the user's quota) is full. */
export function isDiskFull(message: string): boolean {
  return /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i.test(message);
}
