// The keyboard's entry: splits keys typed ahead into one press each and offers every press to the
// layers (src/ui/layers.tsx), on a context rebuilt for it so it sees what the previous key did.
import {useInput, useStdin, type Key} from 'ink';
import {keyContext, type KeyEnvironment} from './key-context.js';
import {pressesOf} from './key-press.js';
import {dispatchKey} from './layers.js';

export type {ConsoleExit, KeyEnvironment} from './key-context.js';

export function handleKey(input: string, key: Key, env: KeyEnvironment): void {
  for (const press of pressesOf(input, key)) dispatchKey(press, keyContext(env));
}

/** Listens to the keyboard only when stdin is a terminal (Ink throws otherwise). */
export function useConsoleKeys(env: KeyEnvironment): void {
  const {isRawModeSupported} = useStdin();
  useInput((input, key) => handleKey(input, key, env), {isActive: isRawModeSupported === true});
}
