// Confirmation of destructive commands. On a terminal the operator types y; without a terminal
// on stdin there is nobody to ask, so only an explicit --yes proceeds.
import {createInterface} from 'node:readline/promises';
import {UsageError} from '../errors.js';

export async function confirmOrRefuse(question: string, options: {readonly yes?: boolean; readonly what: string}): Promise<boolean> {
  if (options.yes) return true;
  if (process.stdin.isTTY !== true) {
    throw new UsageError(`${options.what} needs confirmation: stdin is not a terminal, so pass --yes to proceed`);
  }
  const prompt = createInterface({input: process.stdin, output: process.stderr});
  try {
    const answer = await prompt.question(`${question} Type y to confirm: `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
