// The console's call when a run ends or a batch fails for good: the terminal bell (which tmux,
// screen and most terminals turn into an alert) and an OSC 9 desktop notification (iTerm2,
// kitty, WezTerm, Windows Terminal; ignored by terminals that do not know it). Off with
// BACKFILL_NO_NOTIFY set to anything (like NO_COLOR) or config `"notify": {"terminal": false}`.

/** The bytes that ring: BEL, then OSC 9 with the message (printable, short). */
export function terminalAlert(message: string): string {
  const text = message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 200);
  return `\u0007\u001b]9;${text}\u0007`;
}

/** False when the operator asked for no terminal notifications. */
export function terminalNotifyEnabled(env: NodeJS.ProcessEnv, configured: boolean | undefined): boolean {
  if (env.BACKFILL_NO_NOTIFY !== undefined && env.BACKFILL_NO_NOTIFY !== '') return false;
  return configured !== false;
}
