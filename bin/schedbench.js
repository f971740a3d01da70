#!/usr/bin/env node
// Entry point of `npx schedbench`: runs the CLI's bundle, built from the TypeScript sources when they changed
// (bin/cli-bundle.js says how, and when the sources run through tsx instead).
require('./cli-bundle').start();
