// Progress of a long task before any run exists (creating the demo warehouse) as plain lines:
// one per tenth, so a log file or a pipe gets a readable trace instead of redraws.
export type FractionReporter = (fraction: number, label: string) => void;

export function progressLines(title: string, write: (line: string) => void): FractionReporter {
  let lastTenth = -1;
  return (fraction, label) => {
    const tenth = Math.max(0, Math.min(10, Math.floor(fraction * 10)));
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    write(`${title}: ${tenth * 10}%${label ? ` ${label}` : ''}`);
  };
}
