// Screenshot of a report for the README: `npx tsx test/e2e/analysis/screenshot.ts <report.html> <out.png>
// [height]` — the top of the page at 1400 px wide, rendered by headless Chromium.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Browser } from './chromium';

async function main(): Promise<void> {
  const [report, out, height = '1700'] = process.argv.slice(2);
  if (report === undefined || out === undefined)
    throw new Error('usage: screenshot.ts <report.html> <out.png> [height]');
  const browser = new Browser();
  try {
    const { session } = await browser.open(pathToFileURL(resolve(report)).href, 1400, Number(height));
    writeFileSync(out, await browser.screenshot(session, false));
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
