// The stack file the end-to-end tests give the test program (test/fixtures/program): two netns nodes of 2 vCPUs
// and 2 GiB, one repetition, up to the runs — the settings they share — with each test's own keys on top.
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';

export function writeNetnsStack(file: string, config: Record<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    stringify({
      config: {
        'schedbench:profile': 'tiny',
        'schedbench:profiles': { tiny: { nodes: 2, vcpus: 2, memoryGiB: 2 } },
        'schedbench:backend': { type: 'netns' },
        'schedbench:repetitions': 1,
        'schedbench:stopAfter': 'runs',
        ...config,
      },
    }),
  );
}
