// Vega-Lite → Vega → SVG, headless and at build time: the report carries finished SVG, no scripts.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { Chart } from './charts';

export async function renderSvg(chart: Chart): Promise<string> {
  const spec = compile({ ...chart.spec, config: { font: 'sans-serif', ...chart.spec.config } }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
