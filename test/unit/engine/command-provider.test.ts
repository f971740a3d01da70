// The command provider the engine loads: diffs as @pulumi/command 1.2.1 does (triggers replace, other inputs
// update, secrets compared by value, stdout/stderr ignored), and create/update/delete run the commands.
import { specialSecretSig, specialSigKey } from '@pulumi/pulumi/runtime/rpc';
import { changedInputs, commandProvider, diffCommand } from '../../../cli/engine/command-provider';

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const URN = 'urn:pulumi:eng::schedbench::schedbench:x:Y$command:local:Command::probe';

describe('engine command provider', () => {
  it('no change when only outputs differ or a secret keeps its value', () => {
    const olds = { create: 'echo a', environment: { KEY: secret('k1') }, stdout: 'a', stderr: '' };
    expect(changedInputs(olds, { create: 'echo a', environment: { KEY: secret('k1') } })).toEqual([]);
    expect(diffCommand(olds, { create: 'echo a', environment: { KEY: secret('k1') } }).changes).toBe(false);
  });

  it('an input change is an update; a triggers change a replacement', () => {
    const olds = { create: 'echo a', triggers: ['1'], stdout: 'a', stderr: '' };
    expect(diffCommand(olds, { create: 'echo b', triggers: ['1'] })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffCommand(olds, { create: 'echo a', triggers: ['2'] }).replaces).toEqual(['triggers']);
  });

  it('creates, updates (create again without `update`) and deletes with the previous output in the environment', async () => {
    const inputs = { create: 'echo created', delete: 'test "$PULUMI_COMMAND_STDOUT" = again' };
    const created = await commandProvider.create?.(URN, inputs);
    expect(created?.outs).toMatchObject({ ...inputs, stdout: 'created', stderr: '' });
    const updated = await commandProvider.update?.(String(created?.id), URN, created?.outs, {
      ...inputs,
      create: 'echo "again"',
    });
    expect(updated?.outs).toMatchObject({ stdout: 'again' });
    await expect(commandProvider.delete?.(String(created?.id), URN, updated?.outs)).resolves.toBeUndefined();
    await expect(commandProvider.delete?.(String(created?.id), URN, created?.outs)).rejects.toThrow(/failed/);
  });

  it('refuses resource types it does not implement', async () => {
    await expect(
      commandProvider.check?.('urn:pulumi:eng::schedbench::kubernetes:batch/v1:Job::j', {}, {}),
    ).rejects.toThrow(/implements command:local:Command and command:remote:Command only/);
  });
});
