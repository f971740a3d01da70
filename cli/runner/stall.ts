// The program can stop making progress without failing: an `apply` that throws leaves every resource that
// depends on it waiting for inputs that never come, and when nothing else is left to do Node's event loop
// empties. Pulumi's runtime would then end the process with only a "promises were still active" notice. The
// runner instead notices the empty loop (`beforeExit`), stops waiting, and reports what failed.

/** A promise that resolves when the event loop has nothing left to do; dispose when the operation is over. */
export interface StallWatch {
  readonly stalled: Promise<'stalled'>;
  dispose(): void;
}

export function watchForStall(): StallWatch {
  let onBeforeExit: () => void = () => undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    onBeforeExit = () => resolve('stalled');
  });
  process.on('beforeExit', onBeforeExit);
  return { stalled, dispose: () => process.off('beforeExit', onBeforeExit) };
}

/** `work`, unless the program stalls first. */
export async function unlessStalled<T>(work: Promise<T>, watch: StallWatch): Promise<T | 'stalled'> {
  return Promise.race([work, watch.stalled]);
}

/** What the runner says when the program stalled: the failures seen so far are the reason. */
export function stallMessage(failuresSoFar: number): string {
  return failuresSoFar > 0
    ? 'the program stopped: the resources that depend on the failure above can never be created'
    : 'the program stopped with resources waiting for inputs that never resolved (a dependency cycle, or an ' +
        'output that was never given a value); nothing failed that the runner saw';
}
