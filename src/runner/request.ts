// Comparing what runs were asked to do: a resumed run that already covers the new request
// need not be followed by it.
import type {RunRequest} from './types.js';

export function sameRequest(a: RunRequest, b: RunRequest): boolean {
  const names = (r: RunRequest) => [...r.processors].sort().join(',');
  return a.range.start === b.range.start && a.range.end === b.range.end && names(a) === names(b) && !!a.force === !!b.force;
}
