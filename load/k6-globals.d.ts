// Globals k6 provides that @types/k6 does not declare. k6's console writes to the k6 log
// (stderr), with these methods; declaring it here keeps the "DOM" lib, and its browser-only
// globals that k6 lacks, out of the type check.
declare global {
  var console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}

export {};
