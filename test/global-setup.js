// Jest global setup (plain JS: jest loads it before any transform): records what schedbench already left on
// this host and gives this run an id (SCHEDBENCH_RUN_ID, inherited by every process it starts); at the end
// (test/global-teardown.js), or when the run is interrupted (SIGINT/SIGTERM), it stops what this run started
// and left: only what appeared since, and never a cluster whose processes another run started.
require('tsx/cjs');
const { randomUUID } = require('crypto');
const {
  cleanLeftovers,
  describeLeftover,
  findLeftovers,
  RUN_ID_VARIABLE,
  startedByRun,
} = require('../components/nodes/leftovers.ts');

const key = (l) => `${l.kind} ${l.id}`;

/** What appeared since setup (this run's), removed; printed so a test that leaks is seen. */
function stopWhatThisRunStarted(before, runId) {
  const fresh = startedByRun(
    findLeftovers().filter((l) => !before.has(key(l))),
    runId,
  );
  if (fresh.length === 0) return;
  const result = cleanLeftovers(fresh);
  for (const l of result.removed) process.stderr.write(`jest teardown: removed ${describeLeftover(l)}\n`);
  for (const f of result.failed)
    process.stderr.write(`jest teardown: could not remove ${describeLeftover(f.leftover)}: ${f.reason}\n`);
}

module.exports = async function globalSetup() {
  if (process.getuid?.() !== 0) return;
  const before = new Set(findLeftovers().map(key));
  // Inherited by the workers and everything they start (scripts, sshds, daemons): what carries it is ours.
  const runId = randomUUID();
  process.env[RUN_ID_VARIABLE] = runId;
  globalThis.__SCHEDBENCH_STOP__ = () => stopWhatThisRunStarted(before, runId);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      process.stderr.write(`\njest interrupted (${signal}): stopping what this run started\n`);
      stopWhatThisRunStarted(before, runId);
      process.exit(130);
    });
  }
};
