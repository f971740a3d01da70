// report.html in headless Chromium: it opens with no network, no console errors, and every chart draws
// the number of marks the report says it should. Screenshots go to test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyse } from '../../../analysis/analyze';
import { loadRuns } from '../../../analysis/load';
import { writeAnalysis } from '../../../analysis/output';
import { writeCampaign } from '../../helpers/sim';
import { Browser, CHROMIUM } from './chromium';

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'schedbench-report-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Counts, per chart, the marks drawn in each named layer (`g.role-mark.<name>_marks` children). */
const COUNT_MARKS = `JSON.stringify([...document.querySelectorAll('figure.chart')].map((f) => {
  const expect = JSON.parse(f.dataset.expect);
  const got = {};
  for (const name of Object.keys(expect)) {
    got[name] = [...f.querySelectorAll('svg g.role-mark.' + name + '_marks')].reduce((a, g) => a + g.children.length, 0);
  }
  return { id: f.id, expect, got };
}))`;

describe(`report.html in ${CHROMIUM}`, () => {
  it('opens offline without errors and draws every expected mark', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (.ci/packages/analysis.txt)`);
    writeCampaign(join(dir, 'runs'), { repetitions: 3, jobsPerRun: 10 });
    const loaded = loadRuns(join(dir, 'runs'));
    const analysis = analyse(loaded.runs, loaded.problems);
    const files = await writeAnalysis(analysis, join(dir, 'out'));

    const browser = new Browser();
    try {
      const url = pathToFileURL(files.reportHtml).href;
      const { session, report } = await browser.open(url);
      const charts = JSON.parse(await browser.evaluate<string>(session, COUNT_MARKS)) as {
        id: string;
        expect: Record<string, number>;
        got: Record<string, number>;
      }[];
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(join(ARTIFACTS, 'report-viewport.png'), await browser.screenshot(session, false));
      writeFileSync(join(ARTIFACTS, 'report-full.png'), await browser.screenshot(session, true));

      expect(report.consoleErrors).toEqual([]);
      // the verdicts per workload are the first thing the page says, above every chart
      const firstHeading = await browser.evaluate<string>(
        session,
        `document.querySelector('main h2').textContent`,
      );
      expect(firstHeading).toBe('Verdicts per workload');
      const verdictsAboveCharts = await browser.evaluate<boolean>(
        session,
        `!!(document.querySelector('table.verdicts').compareDocumentPosition(document.querySelector('figure.chart')) & Node.DOCUMENT_POSITION_FOLLOWING)`,
      );
      expect(verdictsAboveCharts).toBe(true);
      expect(report.requests).toEqual([url]); // the page itself, nothing else
      // 9 bar charts (objectives ∪ key metrics), 6 Pareto projections, a timeline + utilisation per group
      const kinds = (p: string) => charts.filter((c) => c.id.startsWith(p)).length;
      expect([kinds('bar-'), kinds('pareto-'), kinds('timeline-'), kinds('util-')]).toEqual([9, 6, 12, 12]);
      for (const c of charts) expect({ id: c.id, marks: c.got }).toEqual({ id: c.id, marks: c.expect });
      expect(charts.every((c) => Object.values(c.expect).every((n) => n >= 0))).toBe(true);
      const bars = charts.find((c) => c.id === 'bar-makespanSeconds');
      expect(bars?.expect).toEqual({ bars: 12, errorbars: 12, counts: 12 });
    } finally {
      await browser.close();
    }
  });
});
