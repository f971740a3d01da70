// `schedbench graph --stack X`: the stack's resource graph — the benchmark's DAG (nodes → scheduler stages →
// runs → analysis) — as the local runner's preview registers it (nothing is executed), written as Graphviz DOT
// and Mermaid, and as SVG when Graphviz's `dot` is installed. Default output: beside the stack's report.
import { spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import type { Command } from 'commander';
import { loadConfig } from '../../components/config/parse';
import { readStackFile } from '../../components/config/stackfile';
import { REPO_ROOT as REPO } from '../../components/repo-root';
import { resourceGraph, summarise, toDot, toMermaid } from '../graph/render';

interface GraphOptions {
  stack: string;
  configFile?: string;
  out?: string;
  allEdges?: boolean;
  cwd: string;
}

const ResourceMetaSchema = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  parent: z.string(),
  custom: z.boolean(),
  dependencies: z.array(z.string()),
  secretOutputs: z.array(z.string()),
  replaceOnChanges: z.array(z.string()),
});
const PreviewJson = z.object({
  ok: z.boolean(),
  failures: z.array(z.object({ urn: z.string(), message: z.string() })),
  resources: z.array(ResourceMetaSchema),
});

/** The runner's preview, in a tsx child process (cli/graph/resources.ts): what the program registers. */
function previewResources(projectDir: string, stack: string, configFile: string) {
  const result = spawnSync(
    path.join(REPO, 'node_modules', '.bin', 'tsx'),
    [path.join(REPO, 'cli', 'graph', 'resources.ts')],
    {
      cwd: projectDir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        SCHEDBENCH_PROJECT_DIR: projectDir,
        SCHEDBENCH_STACK: stack,
        SCHEDBENCH_CONFIG_FILE: configFile,
      },
    },
  );
  if (result.status !== 0)
    throw new Error(`preview of stack ${stack} failed (exit ${String(result.status)})`);
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  const parsed = PreviewJson.parse(JSON.parse(lastLine));
  if (!parsed.ok) throw new Error(parsed.failures.map((f) => f.message).join('\n'));
  return parsed.resources;
}

/** `dot -Tsvg`, or undefined when Graphviz is not installed. */
function renderSvg(dot: string): string | undefined {
  const result = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return result.stdout;
}

export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description(
      "Write the stack's resource graph (DOT, Mermaid, SVG with Graphviz) from a preview, grouped by component",
    )
    .option('-s, --stack <name>', 'stack name (Pulumi.<name>.yaml)', 'local')
    .option('--config-file <file>', 'stack config file instead of Pulumi.<stack>.yaml')
    .option('--out <dir>', 'output directory (default: <resultsDir>/analysis/<stack>, where its report goes)')
    .option('--all-edges', 'keep every dependency edge (default: drop those implied by others)')
    .option('-C, --cwd <dir>', 'project directory (Pulumi.yaml, index.ts, stack files)', REPO)
    .action(async (opts: GraphOptions) => {
      const projectDir = path.resolve(opts.cwd);
      const configFile = path.resolve(opts.configFile ?? path.join(projectDir, `Pulumi.${opts.stack}.yaml`));
      const { config: raw } = readStackFile(configFile, opts.stack);
      const config = loadConfig(raw, opts.stack);
      const outDir = path.resolve(
        opts.out ?? path.join(path.resolve(projectDir, config.resultsDir), 'analysis', opts.stack),
      );
      const resources = previewResources(projectDir, opts.stack, configFile);
      const graph = resourceGraph(resources, { allEdges: opts.allEdges });
      const dot = toDot(graph, { title: `schedbench stack ${opts.stack}` });
      mkdirSync(outDir, { recursive: true });
      const written = [path.join(outDir, 'graph.dot'), path.join(outDir, 'graph.mmd')];
      writeFileSync(written[0], dot);
      writeFileSync(written[1], toMermaid(graph));
      const svg = renderSvg(dot);
      if (svg !== undefined) {
        written.push(path.join(outDir, 'graph.svg'));
        writeFileSync(path.join(outDir, 'graph.svg'), svg);
      }
      process.stdout.write(`${summarise(graph)}\n`);
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
      if (svg === undefined)
        process.stdout.write('no SVG: Graphviz `dot` is not installed (apt-get install graphviz)\n');
    });
}
