// The `command` resource provider plugin (pulumi-resource-command) that the Pulumi engine loads for our program's
// `command:local:Command` and `command:remote:Command` resources. The Go module proxy refuses
// github.com/pulumi/pulumi-command (403), so the engine built from Go modules gets this implementation of the same
// gRPC provider protocol instead: it speaks the semantics of @pulumi/command 1.2.1 (a `triggers` change replaces,
// any other input change runs `update` — or `create` again when there is none —, outputs are the inputs plus
// `stdout`/`stderr`, `delete` sees PULUMI_COMMAND_STDOUT/STDERR) and executes through the same code as the runner.
import { randomBytes } from 'crypto';
import * as provider from '@pulumi/pulumi/provider';
import { canonicalJson } from '../../components/config/identity';
import { runCommandStep, unwrapSecrets } from '../runner/engine';

/** The version the program's @pulumi/command SDK asks the engine for. */
export const COMMAND_PROVIDER_VERSION = '1.2.1';

const OUTPUT_ONLY = new Set(['stdout', 'stderr']);
/** Inputs the command provider marks replaceOnChanges. */
const REPLACING = new Set(['triggers']);

type Props = Record<string, unknown>;

function typeOf(urn: string): string {
  // urn:pulumi:<stack>::<project>::<parent types$>type::<name>
  return (urn.split('::')[2] ?? '').split('$').pop() ?? '';
}

function nameOf(urn: string): string {
  return urn.split('::')[3] ?? 'command';
}

function checkType(urn: string): string {
  const type = typeOf(urn);
  if (type !== 'command:local:Command' && type !== 'command:remote:Command')
    throw new Error(
      `${type}: this command provider implements command:local:Command and command:remote:Command only`,
    );
  return type;
}

function inputsOf(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !OUTPUT_ONLY.has(key)));
}

function previousOutputEnv(props: Props): Record<string, string> {
  const plain = unwrapSecrets(props) as Props;
  return {
    PULUMI_COMMAND_STDOUT: String(plain.stdout ?? ''),
    PULUMI_COMMAND_STDERR: String(plain.stderr ?? ''),
  };
}

/** Which inputs differ between the recorded state and the new inputs (secrets compared by value). */
export function changedInputs(olds: Props, news: Props): string[] {
  const before = unwrapSecrets(inputsOf(olds)) as Props;
  const after = unwrapSecrets(inputsOf(news)) as Props;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null))
    .sort();
}

export function diffCommand(olds: Props, news: Props): provider.DiffResult {
  const changed = changedInputs(olds, news);
  const replaces = changed.filter((key) => REPLACING.has(key));
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
}

async function run(
  urn: string,
  props: Props,
  which: 'create' | 'update' | 'delete',
  env: Record<string, string>,
) {
  const type = checkType(urn);
  const inputs = unwrapSecrets(inputsOf(props)) as Props;
  const name = nameOf(urn);
  const result = await runCommandStep(type, inputs, which, env, (line) =>
    process.stderr.write(`${name}: ${line}\n`),
  );
  return result ?? { stdout: '', stderr: '' };
}

export const commandProvider: provider.Provider = {
  version: COMMAND_PROVIDER_VERSION,
  check: async (urn, _olds: Props, news: Props) => {
    checkType(urn);
    return { inputs: news };
  },
  diff: async (_id, _urn, olds: Props, news: Props) => diffCommand(olds, news),
  create: async (urn, inputs: Props) => {
    const { stdout, stderr } = await run(urn, inputs, 'create', {});
    return { id: `${nameOf(urn)}-${randomBytes(4).toString('hex')}`, outs: { ...inputs, stdout, stderr } };
  },
  update: async (_id, urn, olds: Props, news: Props) => {
    const which = typeof (unwrapSecrets(news) as Props).update === 'string' ? 'update' : 'create';
    const { stdout, stderr } = await run(urn, news, which, previousOutputEnv(olds));
    return { outs: { ...news, stdout, stderr } };
  },
  delete: async (_id, urn, props: Props) => {
    await run(urn, props, 'delete', previousOutputEnv(props));
  },
};

if (require.main === module) {
  provider.main(commandProvider, process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`pulumi-resource-command: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
