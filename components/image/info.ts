// What build.sh and digest.sh print: the image's files, boot parameters and digest (parsed at the edge).
import { z } from 'zod';

export const ImageInfo = z.object({
  /** The disk nodes' overlays are made on. */
  disk: z.string().min(1),
  /** Direct kernel boot (built images); empty for a cloud image that boots by its own bootloader. */
  kernel: z.string(),
  initrd: z.string(),
  cmdline: z.string(),
  /** SHA-256 of the disk file (provenance). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().min(0),
  /** Hash of the build inputs (empty for a file image). */
  inputHash: z.string(),
  /** Whether this run built it (false: cached, or a file image). */
  built: z.boolean(),
});
export type ImageInfo = z.infer<typeof ImageInfo>;

/** Parses the one JSON document a script printed on stdout; the error names the script. */
export function parseImageInfo(stdout: string, script: string): ImageInfo {
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim());
  } catch {
    throw new Error(`${script}: stdout is not one JSON document: ${stdout.slice(0, 200)}`);
  }
  const parsed = ImageInfo.safeParse(json);
  if (!parsed.success) throw new Error(`${script}: unexpected output: ${parsed.error.message}`);
  return parsed.data;
}
