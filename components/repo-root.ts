// The repository's root, for what is read or run from it at run time: shell scripts beside components,
// cli/pulumi.ts, node_modules/.bin/tsx. Paths built from a module's own __dirname break in the CLI bundle
// (bin/schedbench.js), where every module's __dirname is the bundle's folder; this one place knows both layouts.
import * as path from 'path';

// Defined by the bundler (bin/cli-bundle.js) as the path from the bundle's folder to the root; never defined
// when the TypeScript sources run (tsx, ts-jest), where this file is components/repo-root.ts.
declare const SCHEDBENCH_BUNDLE_TO_ROOT: string | undefined;

export const REPO_ROOT: string =
  typeof SCHEDBENCH_BUNDLE_TO_ROOT === 'string'
    ? path.resolve(__dirname, SCHEDBENCH_BUNDLE_TO_ROOT)
    : path.join(__dirname, '..');
