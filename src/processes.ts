// Whether a pid still names a process on this machine (a lock's holder, a temp file's writer, the
// console's host). EPERM means it exists but belongs to someone else: it is alive.
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
