#!/usr/bin/env node
// Entry point of `npx schedbench`: loads the TypeScript CLI through tsx (no build step needed).
require('tsx/cjs');
require('../cli/main.ts');
