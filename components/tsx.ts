// How a step runs one of the project's TypeScript entry points on the program's machine (the RunResult writer,
// the MLflow tracker): `node --import <tsx's loader> <file.ts>` — one Node process, where the `tsx` command
// starts a second one for the script (0.46 s against 0.26 s to start here, measured with `time`).
import * as path from 'path';
import { pathToFileURL } from 'url';

const PROJECT_ROOT = path.join(__dirname, '..');

/** The environment a TypeScript step needs beside its own: where tsx's loader is. */
export const TS_ENVIRONMENT = {
  SCHEDBENCH_TS_LOADER: pathToFileURL(path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'))
    .href,
};

/** The shell words that run a .ts file (its path and arguments follow). */
export const TS_RUN = 'node --import "$SCHEDBENCH_TS_LOADER"';
