// Before the built engine runs a stack, cli/pulumi.ts asks what provider plugin the stack needs and the build
// lacks (cli/engine/drive.ts missingPlugins): a Kubernetes stack without the Kubernetes provider is refused with
// a message, before anything is created; the official CLI acquires its own plugins.
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { missingPlugins } from '../../../cli/engine/drive';

describe('missingPlugins', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'engine-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const kubernetes = { 'schedbench:scheduler': 'kubernetes' };

  it('asks for the Kubernetes provider for a Kubernetes stack until the build has it', () => {
    const built = { root, built: true };
    expect(missingPlugins(built, kubernetes)).toEqual(['kubernetes']);
    expect(missingPlugins(built, { 'schedbench:scheduler': 'slurm' })).toEqual([]);
    mkdirSync(path.join(root, 'home', 'plugins', 'resource-kubernetes-v4.0.0-20260115033456-f47bc2d6f199'), {
      recursive: true,
    });
    expect(missingPlugins(built, kubernetes)).toEqual([]);
  });

  it('asks nothing of the official CLI', () => {
    expect(missingPlugins({ built: false }, kubernetes)).toEqual([]);
  });
});
