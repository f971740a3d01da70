// The text of the one job wrapper (components/jobs/scripts/job.sh) every scheduler's jobs run: read once here so each
// scheduler delivers the same file. Its lines are read back by components/jobs/times.ts.
import { readFileSync } from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';

export const JOB_WRAPPER = readFileSync(
  path.join(REPO_ROOT, 'components', 'jobs', 'scripts', 'job.sh'),
  'utf8',
);
