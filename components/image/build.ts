// Runs build.sh on this machine outside Pulumi (`schedbench image build`, the bench): the same script and
// inputs as the BaseImage resource, so a later `up` finds the image in the cache.
import { spawn } from 'child_process';
import { ImageInfo, parseImageInfo } from './info';
import { buildEnvironment, ImageBuildOptions, madeOverlays, readImageInputs } from './inputs';

/** Builds (or finds in the cache) the image, made overlays first; stderr lines go to `onLine` as they come. */
export async function buildImage(
  options: ImageBuildOptions,
  onLine: (line: string) => void = () => undefined,
): Promise<ImageInfo> {
  for (const overlay of madeOverlays(options.overlays))
    await runBash(overlay.make.create, 'overlay', overlay.make.environment, onLine);
  const inputs = readImageInputs(options);
  const stdout = await runBash(
    inputs.buildScript,
    'build.sh',
    buildEnvironment(options.cacheDir, inputs),
    onLine,
  );
  return parseImageInfo(stdout, 'build.sh');
}

/** `bash -c script` with `environment` added; resolves to its stdout, rejects with the last stderr lines. */
function runBash(
  script: string,
  name: string,
  environment: Record<string, string>,
  onLine: (line: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script, name], {
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let pending = '';
    let tail: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
      tail = [...tail, ...lines].slice(-20);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${name} exited with ${String(code)}:\n${tail.join('\n')}`));
      else resolve(stdout);
    });
  });
}
