// An SWF log read whole and synchronously (`.swf` or `.swf.gz`): for the Pulumi program and config validation,
// which are synchronous. A replay's window is small; the file is read once per expansion.
import { readFileSync } from 'fs';
import { gunzipSync } from 'zlib';
import { parseSwf } from './swf';
import type { SwfTrace } from './swf-format';

export function readSwfFileSync(file: string): SwfTrace {
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return parseSwf(text, file);
}
