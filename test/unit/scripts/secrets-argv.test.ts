// Secrets never on a command line (/proc/<pid>/cmdline is readable by every local user): a scan of every node and
// build script for a secret-named variable expanded into an external command's arguments — jq's --arg/--argjson
// (the way JSON gets built here), curl headers, `--token`/`--password` flags. Runtime checks of the same rule:
// test/unit/kubernetes/scripts.test.ts (the runner token), test/unit/netns/ssh-env.test.ts.
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..', '..');
/** Variables that hold a credential in these scripts: tokens, kubeconfigs (client keys), keys, passwords. */
const SECRET = '(token|kc|kubeconfig|client_key|private_key|key_data|password|passphrase|secret|munge_key)';
const PATTERNS: { why: string; re: RegExp }[] = [
  { why: 'jq --arg of a secret', re: new RegExp(`--(raw)?arg(json)?\\s+\\w+\\s+"?\\$\\{?${SECRET}\\b`) },
  { why: 'a bearer token in an argument', re: /Bearer \$\{?\w/ },
  { why: 'a credential flag with a value', re: new RegExp(`--(token|password)[= ]"?\\$\\{?\\w`) },
];

function scripts(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '*.sh'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f.startsWith('components/') || f.startsWith('cli/'));
}

describe('no secret in an argv', () => {
  it('finds the node scripts', () => {
    expect(scripts()).toEqual(
      expect.arrayContaining([
        'components/kubernetes/scripts/lib.sh',
        'components/kubernetes/scripts/pki.sh',
      ]),
    );
  });

  it('no script expands a secret into an external command’s arguments', () => {
    const found: string[] = [];
    for (const file of scripts()) {
      readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*#/.test(line)) return;
          for (const { why, re } of PATTERNS)
            if (re.test(line)) found.push(`${file}:${i + 1}: ${why}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('catches the forms it is meant to', () => {
    const hit = (line: string) => PATTERNS.some(({ re }) => re.test(line));
    expect(hit(`jq --arg token "$token" '.x'`)).toBe(true);
    expect(hit(`jq -c --arg n "$node" --arg kc "$kc" '.'`)).toBe(true);
    expect(hit(`curl -H "Authorization: Bearer $token" https://x`)).toBe(true);
    expect(hit(`printf '%s' "$token" | jq -Rs .`)).toBe(false);
    expect(hit(`jq --arg ns "$NAMESPACE" '.'`)).toBe(false);
  });
});
