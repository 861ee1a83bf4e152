// React's development build (the default when NODE_ENV is unset) checks and times every render:
// measured in the console under a running backfill it tripled the CPU time per frame. Imported
// first by the console's entry so React loads its production build; a NODE_ENV already set (tests)
// is left alone.
process.env.NODE_ENV ??= 'production';
