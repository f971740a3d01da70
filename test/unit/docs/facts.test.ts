// The facts of README and docs/ that can be checked stay true: every command they show exists (a `schedbench`
// subcommand, an npm script, setup.sh's arguments), every stack file they name is in the repository and every one
// in the repository is in the README, every scheduler is named, every relative link resolves, the README's test
// command is the one CI runs, and the README stays short with the quick start first.
import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { SCHEDULER_NAMES } from '../../../results/vocabulary';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The lines of every ```sh / ```bash block of a markdown file, comments and prompts removed. */
function shellLines(markdown: string): string[] {
  const out: string[] = [];
  let inShell = false;
  for (const line of markdown.split('\n')) {
    if (/^```(sh|bash|shell)\s*$/.test(line)) inShell = true;
    else if (line.startsWith('```')) inShell = false;
    else if (inShell) {
      const command = line
        .replace(/^\$ /, '')
        .replace(/\s+#.*$/, '')
        .trim();
      if (command !== '' && !command.startsWith('#')) out.push(command);
    }
  }
  return out;
}

/** `schedbench` subcommands, from the CLI's own help. */
function subcommands(): Set<string> {
  const help = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'schedbench.js'), '--help'], {
    encoding: 'utf8',
  });
  const section = help.stdout.split(/^Commands:$/m)[1] ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z0-9-]+)/gm)].map((m) => m[1] as string));
}

describe('README and docs', () => {
  const readme = read('README.md');

  it('the README is short, and starts with the quick start', () => {
    expect(statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(15 * 1024);
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings[0]).toMatch(/^Quick start/);
  });

  it('every command they show exists', () => {
    const commands = subcommands();
    expect(commands.has('campaign')).toBe(true);
    const scripts = Object.keys(
      (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
    );
    const problems: string[] = [];
    for (const doc of DOCS) {
      for (const line of shellLines(read(doc))) {
        for (const part of line.split(/&&|;|\|\|/).map((p) => p.trim())) {
          const schedbench = /^npx schedbench ([a-z0-9-]+)/.exec(part)?.[1];
          if (schedbench !== undefined && !commands.has(schedbench))
            problems.push(`${doc}: \`${part}\`: no subcommand ${schedbench}`);
          const npm = /^npm run ([a-z:-]+)/.exec(part)?.[1];
          if (npm !== undefined && !scripts.includes(npm))
            problems.push(`${doc}: \`${part}\`: no npm script ${npm}`);
          const setup = /^(?:\S+=\S+ )*\.\/setup\.sh(.*)$/.exec(part)?.[1]?.trim();
          if (setup !== undefined && !['', '--tests'].includes(setup))
            problems.push(`${doc}: \`${part}\`: setup.sh takes no argument or --tests`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every stack file they name exists, and the README names every one', () => {
    const stackFiles = readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
    const problems: string[] = [];
    for (const doc of DOCS) {
      const text = read(doc);
      for (const m of text.matchAll(/\bPulumi\.([a-z0-9-]+)\.yaml\b/g))
        if (!existsSync(path.join(ROOT, m[0]))) problems.push(`${doc}: ${m[0]}`);
      for (const m of text.matchAll(/--stack ([a-z0-9-]+)/g))
        if (!existsSync(path.join(ROOT, `Pulumi.${m[1]}.yaml`))) problems.push(`${doc}: --stack ${m[1]}`);
    }
    expect(problems).toEqual([]);
    for (const file of stackFiles)
      expect({ file, inReadme: readme.includes(file) }).toEqual({ file, inReadme: true });
  });

  it('the README names every scheduler and every docs page', () => {
    for (const name of SCHEDULER_NAMES) expect(readme.toLowerCase()).toContain(name);
    for (const doc of DOCS.filter((d) => d !== 'README.md')) expect(readme).toContain(`(${doc})`);
  });

  it('every relative link resolves', () => {
    const problems: string[] = [];
    for (const doc of DOCS) {
      for (const m of read(doc).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1] as string;
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(path.join(ROOT, path.dirname(doc), target))) problems.push(`${doc}: ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the README’s test command is what CI runs', () => {
    const ci = read('.ci/run');
    expect(readme).toContain('./setup.sh --tests && npm test');
    expect(ci).toMatch(/\.\/setup\.sh --tests <\/dev\/null/);
    expect(ci).toMatch(/^npm test <\/dev\/null$/m);
    // And its main command is the campaign on the default stack.
    expect(readme).toContain('./setup.sh && npx schedbench campaign Pulumi.local.yaml');
  });
});
