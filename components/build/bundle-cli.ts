// `bundle-cli.ts <entry.ts> <out.cjs>`: writes the entry's bundle (bundle.ts) atomically — a reader never sees
// half a file — and prints {"path":…,"sha256":…}. Run by schedbench:build:Bundle.
import { createHash } from 'crypto';
import { mkdirSync, renameSync, writeFileSync } from 'fs';
import * as path from 'path';
import { bundleText } from './bundle';

function main(): void {
  const [entry, out] = process.argv.slice(2);
  if (entry === undefined || out === undefined) throw new Error('usage: bundle-cli.ts <entry.ts> <out.cjs>');
  const text = bundleText(entry);
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, out);
  const sha256 = createHash('sha256').update(text).digest('hex');
  process.stdout.write(`${JSON.stringify({ path: out, sha256 })}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`bundle-cli: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
