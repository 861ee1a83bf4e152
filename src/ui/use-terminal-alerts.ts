// The console rings the terminal (bell + OSC 9) when a run of its session ends or a batch fails
// for good, so an operator in another window or tab hears of a 3 a.m. failure. A burst of failed
// batches rings once (at most one alert per ALERT_GAP_MS); a run's end always rings.
import {useStdout} from 'ink';
import {useEffect} from 'react';
import {NOTIFYING, notificationFor} from '../notify/notification.js';
import {terminalAlert} from '../notify/terminal.js';
import type {Session} from '../session/types.js';

const ALERT_GAP_MS = 5_000;

export function useTerminalAlerts(session: Session, enabled: boolean): void {
  const {stdout} = useStdout();
  useEffect(() => {
    if (!enabled) return;
    let last = 0;
    return session.subscribeEvents((event) => {
      if (!NOTIFYING.has(event.type)) return;
      const now = Date.now();
      if (event.type !== 'run-finished' && now - last < ALERT_GAP_MS) return;
      last = now;
      const notification = notificationFor(event, session.getState().warehouse);
      if (notification) stdout.write(terminalAlert(notification.message));
    });
  }, [session, enabled, stdout]);
}
