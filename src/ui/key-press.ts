// A key press as the layers and bindings see it, how a binding's key matches one, and how a chunk
// of keys typed ahead becomes one press per key. No Ink rendering here: only Ink's `Key` shape.
import type {Key} from 'ink';

export type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

export type KeySpec = {readonly input: string; readonly ctrl?: boolean} | {readonly key: NamedKey};

/** One key: the character Ink read and the named keys and modifiers it saw. */
export interface KeyPress {
  readonly input: string;
  readonly key: Key;
}

export function matches(spec: KeySpec, press: KeyPress): boolean {
  if ('key' in spec) return press.key[spec.key];
  return spec.input === press.input && Boolean(spec.ctrl) === press.key.ctrl && !press.key.meta;
}

export const matchesAny = (specs: readonly KeySpec[], press: KeyPress): boolean => specs.some((spec) => matches(spec, press));

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** What Ink would have reported for this character pressed alone. */
function pressOfChar(char: string): KeyPress {
  if (char === '\r' || char === '\n') return {input: char, key: {...NO_KEY, return: true}};
  if (char === '\t') return {input: char, key: {...NO_KEY, tab: true}};
  if (char === '\u007F' || char === '\b') return {input: char, key: {...NO_KEY, backspace: true}};
  if (char === '\u001B') return {input: char, key: {...NO_KEY, escape: true}};
  return {input: char, key: {...NO_KEY, shift: char !== char.toLowerCase()}};
}

/**
 * Keys typed ahead (fast typing over SSH, tmux send-keys) arrive as one chunk: one press per
 * character, so that each acts on the state the previous one left.
 */
export function pressesOf(input: string, key: Key): KeyPress[] {
  if (input.length > 1 && !key.ctrl && !key.meta) return [...input].map(pressOfChar);
  return [{input, key}];
}

/** The press a binding's key stands for, as Ink reports it (for tests that walk the keymap). */
export function pressOfSpec(spec: KeySpec): KeyPress {
  if ('key' in spec) return {input: '', key: {...NO_KEY, [spec.key]: true}};
  return {input: spec.input, key: {...NO_KEY, ctrl: Boolean(spec.ctrl), shift: spec.input !== spec.input.toLowerCase()}};
}
