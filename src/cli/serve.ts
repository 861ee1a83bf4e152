// A session this process owns (a headless run, the console) is served on the warehouse's socket
// so that `backfill attach` from another SSH session can watch and steer it. Serving is a bonus:
// if it cannot start, the run goes on and says why.
import {socketForContext} from '../attach/paths.js';
import {serveSession, type SessionServer} from '../attach/server.js';
import type {Session} from '../session/types.js';
import type {CliContext} from './context.js';

export async function serveForAttach(
  context: CliContext,
  session: Session,
  log: (level: 'info' | 'warn', message: string) => void,
  /** Clients may start runs and roll back (the console's host), not only steer the run. */
  control = false,
): Promise<SessionServer | null> {
  try {
    return await serveSession(session, {
      socketPath: socketForContext(context),
      owner: {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        warehouse: context.warehouse.identity,
        command: ['backfill', ...process.argv.slice(2)].join(' '),
        control,
      },
      log,
    });
  } catch (error) {
    log('warn', `backfill attach will not see this run: ${(error as Error).message}`);
    return null;
  }
}
