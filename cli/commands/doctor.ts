// `schedbench doctor [--clean]`: lists what schedbench left on this host (network namespaces, interfaces,
// cgroups, processes, libvirt domains and networks — only what carries schedbench's marks) and, with --clean,
// removes it. Exit 1 when something is left (after --clean: when something could not be removed).
import type { Command } from 'commander';
import { cleanLeftovers, describeLeftover, findLeftovers } from '../../components/nodes/leftovers';

interface DoctorFlags {
  clean?: boolean;
  json?: boolean;
  stateDir?: string[];
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'List what schedbench left on this host (namespaces, interfaces, cgroups, daemons, libvirt domains/networks); --clean removes it',
    )
    .option(
      '--clean',
      'remove everything listed (processes first, then domains, interfaces, namespaces, cgroups, networks)',
    )
    .option(
      '--state-dir <dir>',
      'also look for daemons in this state directory (repeat; /var/lib/schedbench* always)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--json', 'print one JSON document')
    .action((flags: DoctorFlags) => {
      const found = findLeftovers(flags.stateDir ?? []);
      if (!flags.clean) {
        if (flags.json) process.stdout.write(`${JSON.stringify({ leftovers: found })}\n`);
        else if (found.length === 0) process.stdout.write('nothing of schedbench is left on this host\n');
        else
          process.stdout.write(
            `${found.length} thing(s) of schedbench left on this host (remove with --clean):\n${found.map((l) => `  ${describeLeftover(l)}`).join('\n')}\n`,
          );
        process.exitCode = found.length === 0 ? 0 : 1;
        return;
      }
      const result = cleanLeftovers(found);
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        for (const l of result.removed) process.stdout.write(`removed ${describeLeftover(l)}\n`);
        for (const f of result.failed)
          process.stderr.write(
            `schedbench doctor: could not remove ${describeLeftover(f.leftover)}: ${f.reason}\n`,
          );
        if (found.length === 0) process.stdout.write('nothing of schedbench is left on this host\n');
      }
      process.exitCode = result.failed.length === 0 ? 0 : 1;
    });
}
