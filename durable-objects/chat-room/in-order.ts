// Calls of an async function, one after another in the order they were made.

/** Wraps `fn` so that each call starts once every earlier one has finished (or failed). A
 * call's argument may still be pending: the call keeps the place it was made in meanwhile. */
export function inOrder<T, R>(fn: (arg: T) => Promise<R>): (arg: T | Promise<T>) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (arg) => {
    const next = tail.then(async () => fn(await arg));
    tail = next.catch(() => undefined);
    return next;
  };
}
