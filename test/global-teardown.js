// Jest global teardown: removes whatever schedbench-owned thing appeared on this host during this run and is
// still there (namespaces, interfaces, cgroups, daemons, libvirt domains/networks; see test/global-setup.js).
// It also prints the fault matrix the suites recorded (test/helpers/fault-matrix.ts): one table for every scheduler.
module.exports = async function globalTeardown() {
  const stop = globalThis.__SCHEDBENCH_STOP__;
  if (typeof stop === 'function') stop();
  require('tsx/cjs');
  require('./helpers/fault-matrix.ts').printFaultMatrix();
};
