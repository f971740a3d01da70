// `schedbench doctor [--clean]`: lists what schedbench left on this host (network namespaces, interfaces,
// cgroups, processes, libvirt domains and networks — only what carries schedbench's marks) and, with --clean,
// removes it. What a live stack still uses — one whose runner state file (<project>/.schedbench/state/<stack>.json)
// lists something as created — is shown apart and never touched, unless `--force <stack>` names that stack.
// Exit 1 when something is left (after --clean: when something could not be removed).
import type { Command } from 'commander';
import {
  cleanLeftovers,
  describeLeftover,
  findLeftovers,
  type Leftover,
  liveOwner,
  liveStacks,
  type LiveStack,
} from '../../components/nodes/leftovers';

interface DoctorFlags {
  clean?: boolean;
  json?: boolean;
  stateDir?: string[];
  project?: string[];
  force?: string[];
}

const repeat = (v: string, acc: string[] = []) => [...acc, v];

/** What a live stack uses: the thing and the stack. */
interface InUse {
  leftover: Leftover;
  stack: string;
  stateFile: string;
}

function split(
  found: readonly Leftover[],
  live: readonly LiveStack[],
  force: readonly string[],
): { leftovers: Leftover[]; inUse: InUse[] } {
  const leftovers: Leftover[] = [];
  const inUse: InUse[] = [];
  for (const l of found) {
    const owner = liveOwner(l, live, force);
    if (owner === undefined) leftovers.push(l);
    else inUse.push({ leftover: l, stack: owner.stack, stateFile: owner.file });
  }
  return { leftovers, inUse };
}

function describeInUse(inUse: readonly InUse[]): string {
  if (inUse.length === 0) return '';
  const stacks = [...new Set(inUse.map((u) => u.stack))];
  return (
    `${inUse.length} thing(s) in use by live stack(s) ${stacks.join(', ')} (left alone: \`destroy\` the stack, or --force <stack>):\n` +
    `${inUse.map((u) => `  ${describeLeftover(u.leftover)}  [${u.stateFile}]`).join('\n')}\n`
  );
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'List what schedbench left on this host (namespaces, interfaces, cgroups, daemons, libvirt domains/networks); --clean removes it, except what a live stack uses',
    )
    .option(
      '--clean',
      'remove everything listed (processes first, then domains, interfaces, namespaces, cgroups, networks)',
    )
    .option(
      '--state-dir <dir>',
      'also look for daemons in this state directory (repeat; /var/lib/schedbench* always)',
      repeat,
    )
    .option(
      '--project <dir>',
      'a project whose runner state files (.schedbench/state/) say which stacks are live (repeat; default: the current directory)',
      repeat,
    )
    .option(
      '--force <stack>',
      'treat this live stack as abandoned: list and remove what it uses too (repeat)',
      repeat,
    )
    .option('--json', 'print one JSON document')
    .action((flags: DoctorFlags) => {
      const live = liveStacks(flags.project ?? [process.cwd()]);
      const { leftovers, inUse } = split(findLeftovers(flags.stateDir ?? []), live, flags.force ?? []);
      if (!flags.clean) {
        if (flags.json) process.stdout.write(`${JSON.stringify({ leftovers, inUse })}\n`);
        else {
          if (leftovers.length === 0) process.stdout.write('nothing of schedbench is left on this host\n');
          else
            process.stdout.write(
              `${leftovers.length} thing(s) of schedbench left on this host (remove with --clean):\n${leftovers.map((l) => `  ${describeLeftover(l)}`).join('\n')}\n`,
            );
          process.stdout.write(describeInUse(inUse));
        }
        process.exitCode = leftovers.length === 0 ? 0 : 1;
        return;
      }
      const result = cleanLeftovers(leftovers);
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...result, inUse })}\n`);
      else {
        for (const l of result.removed) process.stdout.write(`removed ${describeLeftover(l)}\n`);
        for (const f of result.failed)
          process.stderr.write(
            `schedbench doctor: could not remove ${describeLeftover(f.leftover)}: ${f.reason}\n`,
          );
        if (leftovers.length === 0) process.stdout.write('nothing of schedbench is left on this host\n');
        process.stdout.write(describeInUse(inUse));
      }
      process.exitCode = result.failed.length === 0 ? 0 : 1;
    });
}
