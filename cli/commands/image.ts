// PLACEHOLDER — replaced by the owner of this command. Not to be committed as is.
import type { Command } from 'commander';

export function registerImage(_program: Command): void {}
