// The stack's resource graph for the report, as `schedbench graph` wrote it beside report.html: graph.svg
// (Graphviz) inlined, else graph.mmd (Mermaid) shown as text. Absent files: no section.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReportGraph {
  /** Inline SVG (XML prolog and doctype removed). */
  svg?: string;
  /** Mermaid source, when there is no SVG. */
  mermaid?: string;
}

export function readReportGraph(dir: string): ReportGraph | undefined {
  const svg = join(dir, 'graph.svg');
  if (existsSync(svg)) {
    const text = readFileSync(svg, 'utf8');
    return { svg: text.slice(Math.max(0, text.indexOf('<svg'))) };
  }
  const mmd = join(dir, 'graph.mmd');
  return existsSync(mmd) ? { mermaid: readFileSync(mmd, 'utf8') } : undefined;
}
