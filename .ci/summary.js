// Prints jest's result as the one line CI reads: `N passed, N failed` (suites that failed to run count as failed).
const path = require('path');
const result = require(path.join(__dirname, '..', 'test-artifacts', 'jest.json'));
const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
process.stdout.write(`${result.numPassedTests} passed, ${failed} failed\n`);
