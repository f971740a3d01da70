// Finds pipelines in bash text whose consumer may stop reading before its producer has written everything
// (`head`, `grep -q/-m/-l`, a sed script with `q`, an awk program with `exit` outside END, `read`): the producer then
// dies of SIGPIPE and, under `set -o pipefail`, the pipeline fails with 141 — by a race. Not a shell
// parser: it knows quotes, $(…), ${…}, $((…)), here-documents, comments, case patterns and line continuations, which
// is what this repository's scripts use; test/unit/scripts/pipefail.test.ts checks it on snippets.

/** A pipeline consumer that may stop reading early. */
export interface EarlyExitPipe {
  /** 1-based line of the consumer. */
  line: number;
  /** The consumer command as written. */
  consumer: string;
  /** Why it may stop reading early. */
  why: string;
}

type CaseState = 'head' | 'pattern' | 'body';
interface Segment {
  start: number;
  end: number;
}

/** The consumers in `script` that may stop reading before their producer ends (not those followed by `|| true`). */
export function earlyExitPipes(script: string): EarlyExitPipe[] {
  return new Scanner(script).run();
}

class Scanner {
  private i = 0;
  private readonly found: EarlyExitPipe[] = [];
  private heredocs: { word: string; stripTabs: boolean }[] = [];
  private readonly lineStarts: number[] = [0];

  constructor(private readonly s: string) {
    for (let k = 0; k < s.length; k++) if (s[k] === '\n') this.lineStarts.push(k + 1);
  }

  run(): EarlyExitPipe[] {
    while (this.i < this.s.length) this.code(null);
    return this.found;
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Commands until `closer` at this level (consumed) or the end of the text. */
  private code(closer: ')' | '`' | null): void {
    const s = this.s;
    let segments: Segment[] = [{ start: this.i, end: -1 }];
    let wordStart = true;
    let continued = false;
    const cases: CaseState[] = [];
    const current = () => segments[segments.length - 1];
    const endPipeline = (at: number, next: number, suppressed: boolean) => {
      current().end = at;
      if (segments.length > 1 && !suppressed) this.check(segments.slice(1));
      segments = [{ start: next, end: -1 }];
    };

    while (this.i < s.length) {
      const c = s[this.i];
      const two = s.slice(this.i, this.i + 2);
      const inPattern = cases[cases.length - 1] === 'pattern';

      if (c === ' ' || c === '\t') {
        this.i++;
        wordStart = true;
        continue;
      }
      if (c === '\n') {
        this.i++;
        this.skipHeredocs();
        if (!continued && !inPattern) endPipeline(this.i - 1, this.i, false);
        wordStart = true;
        continue;
      }
      if (c === '#' && wordStart) {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
        continue;
      }
      if (c === '\\') {
        this.i += 2;
        wordStart = false;
        continued = false;
        continue;
      }

      // Reserved words that change how `|` and `)` read: case … in pattern) body ;; … esac.
      if (wordStart) {
        const word = /^[a-z]+(?=[\s;)]|$)/.exec(s.slice(this.i, this.i + 8))?.[0];
        const top = cases[cases.length - 1];
        if (word === 'case' && top !== 'pattern') cases.push('head');
        else if (word === 'in' && top === 'head') cases[cases.length - 1] = 'pattern';
        else if (word === 'esac' && (top === 'pattern' || top === 'body')) {
          if (top === 'body') endPipeline(this.i, this.i + 4, false);
          cases.pop();
        }
        if (word !== undefined) {
          this.i += word.length;
          wordStart = false;
          continued = false;
          continue;
        }
      }

      if (inPattern) {
        if (c === ')') cases[cases.length - 1] = 'body';
        else if (c === '"') this.doubleQuoted();
        else if (c === "'") this.singleQuoted();
        if (c !== '"' && c !== "'") this.i++;
        wordStart = c === ')' || c === '|' || c === '(';
        if (c === ')') segments = [{ start: this.i, end: -1 }];
        continue;
      }

      continued = false;
      if (c === "'") {
        this.singleQuoted();
      } else if (c === '"') {
        this.doubleQuoted();
      } else if (two === "$'") {
        this.i++;
        this.singleQuoted(true);
      } else if (c === '`') {
        this.i++;
        if (closer === '`') {
          endPipeline(this.i - 1, this.i, false);
          return;
        }
        this.code('`');
      } else if (s.startsWith('$((', this.i) || (wordStart && two === '((')) {
        this.arithmetic();
      } else if (two === '$(' || two === '<(' || two === '>(') {
        this.i += 2;
        this.code(')');
      } else if (two === '${') {
        this.parameter();
      } else if (c === '(') {
        this.i++;
        this.code(')');
      } else if (c === ')') {
        this.i++;
        if (closer === ')') {
          endPipeline(this.i - 1, this.i, false);
          return;
        }
        endPipeline(this.i - 1, this.i, false);
      } else if (s.startsWith('<<<', this.i)) {
        this.i += 3;
      } else if (two === '<<') {
        this.heredocStart();
      } else if (two === '>&' || two === '<&' || two === '&>' || two === '>|') {
        this.i += 2;
      } else if (two === '||') {
        this.i += 2;
        const suppressed = /^[ \t]*(true|:)(?=[\s;)&|]|$)/.test(s.slice(this.i, this.i + 40));
        endPipeline(this.i - 2, this.i, suppressed);
        continued = true;
      } else if (two === '&&') {
        this.i += 2;
        endPipeline(this.i - 2, this.i, false);
        continued = true;
      } else if (c === '|') {
        this.i += two === '|&' ? 2 : 1;
        current().end = this.i - (two === '|&' ? 2 : 1);
        segments.push({ start: this.i, end: -1 });
        continued = true;
      } else if (c === ';' || c === '&') {
        const op = /^(;;&|;;|;&|;|&)/.exec(s.slice(this.i, this.i + 3))?.[0] ?? c;
        this.i += op.length;
        endPipeline(this.i - op.length, this.i, false);
        if (op !== ';' && op !== '&' && cases[cases.length - 1] === 'body')
          cases[cases.length - 1] = 'pattern';
      } else {
        this.i++;
        wordStart = false;
        continue;
      }
      wordStart = true;
    }
    endPipeline(s.length, s.length, false);
  }

  private singleQuoted(ansiC = false): void {
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== "'")
      this.i += ansiC && this.s[this.i] === '\\' ? 2 : 1;
    this.i++;
  }

  private doubleQuoted(): void {
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') {
      const two = this.s.slice(this.i, this.i + 2);
      if (this.s[this.i] === '\\') this.i += 2;
      else if (this.s.startsWith('$((', this.i)) this.arithmetic();
      else if (two === '$(') {
        this.i += 2;
        this.code(')');
      } else if (two === '${') this.parameter();
      else if (this.s[this.i] === '`') {
        this.i++;
        this.code('`');
      } else this.i++;
    }
    this.i++;
  }

  /** ${…}: to its closing brace, through nested quotes and substitutions. */
  private parameter(): void {
    this.i += 2;
    let depth = 1;
    while (this.i < this.s.length && depth > 0) {
      const c = this.s[this.i];
      const two = this.s.slice(this.i, this.i + 2);
      if (c === '\\') this.i += 2;
      else if (c === '"') this.doubleQuoted();
      else if (c === "'") this.singleQuoted();
      else if (two === '$(' && !this.s.startsWith('$((', this.i)) {
        this.i += 2;
        this.code(')');
      } else {
        if (two === '${') {
          depth++;
          this.i++;
        } else if (c === '}') depth--;
        this.i++;
      }
    }
  }

  /** $((…)) and ((…)): to the parenthesis that closes the first. */
  private arithmetic(): void {
    if (this.s[this.i] === '$') this.i++;
    let depth = 0;
    do {
      const c = this.s[this.i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      this.i++;
    } while (this.i < this.s.length && depth > 0);
  }

  /** <<WORD, <<-WORD, <<'WORD', <<"WORD": the body starts at the next newline (skipHeredocs). */
  private heredocStart(): void {
    this.i += 2;
    const m = /^(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_]+))/.exec(this.s.slice(this.i, this.i + 80));
    if (m === null) return;
    this.heredocs.push({ word: m[2] ?? m[3] ?? m[4] ?? '', stripTabs: m[1] === '-' });
    this.i += m[0].length;
  }

  private skipHeredocs(): void {
    for (const { word, stripTabs } of this.heredocs) {
      while (this.i < this.s.length) {
        const eol = this.s.indexOf('\n', this.i);
        const end = eol < 0 ? this.s.length : eol;
        const line = this.s.slice(this.i, end);
        this.i = eol < 0 ? this.s.length : eol + 1;
        if ((stripTabs ? line.replace(/^\t+/, '') : line) === word) break;
      }
    }
    this.heredocs = [];
  }

  private check(consumers: Segment[]): void {
    for (const seg of consumers) {
      const raw = this.s.slice(seg.start, seg.end);
      const text = raw.trim();
      if (text === '') continue;
      const why = earlyExitReason(words(text));
      if (why !== undefined)
        this.found.push({ line: this.lineOf(seg.start + raw.indexOf(text)), consumer: text, why });
    }
  }
}

/** A command's words: `raw` as written, `value` without its quotes. */
interface Word {
  raw: string;
  value: string;
}

function words(text: string): Word[] {
  const out: Word[] = [];
  let raw = '';
  let value = '';
  let k = 0;
  const flush = () => {
    if (raw !== '') out.push({ raw, value });
    raw = '';
    value = '';
  };
  while (k < text.length) {
    const c = text[k];
    if (/\s/.test(c)) {
      flush();
      k++;
    } else if (c === "'" || c === '"') {
      const close = text.indexOf(c, k + 1);
      const end = close < 0 ? text.length : close;
      raw += text.slice(k, end + 1);
      value += text.slice(k + 1, end);
      k = end + 1;
    } else if (c === '\\' && k + 1 < text.length) {
      raw += text.slice(k, k + 2);
      value += text[k + 1];
      k += 2;
    } else {
      raw += c;
      value += c;
      k++;
    }
  }
  flush();
  return out;
}

/** Why this command may stop reading its standard input before the end, or undefined. */
function earlyExitReason(command: Word[]): string | undefined {
  let n = 0;
  while (n < command.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(command[n].raw)) n++;
  const name = command[n]?.value.replace(/^.*\//, '');
  const args = command.slice(n + 1);
  switch (name) {
    case 'head':
      return 'head stops reading after the lines or bytes it prints';
    case 'read':
      return 'read takes one line and leaves the rest unread';
    case 'grep':
    case 'egrep':
    case 'fgrep':
      return grepStopsEarly(args) ? 'grep -q/-m/-l/-L stops reading at the first match' : undefined;
    case 'sed':
      return sedScripts(args).some((p) => /(^|[;{}\n0-9$/]|^\s*)\s*[qQ]\s*[0-9]*\s*($|[;}\n])/.test(p))
        ? 'the sed script quits (q/Q) before the end of its input'
        : undefined;
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk': {
      const program = awkProgram(args);
      return program !== undefined && /\b(exit|nextfile)\b/.test(withoutEndBlocks(program))
        ? 'the awk program exits (outside END) before the end of its input'
        : undefined;
    }
    default:
      return undefined;
  }
}

function grepStopsEarly(args: Word[]): boolean {
  for (let k = 0; k < args.length; k++) {
    const { raw } = args[k];
    if (raw === '--') return false;
    if (/^--(quiet|silent|max-count|files-with-matches|files-without-match)\b/.test(raw)) return true;
    if (/^-[A-Za-z]/.test(raw)) {
      for (const letter of raw.slice(1)) {
        if ('qlLm'.includes(letter)) return true;
        if ('efABCdD'.includes(letter)) break; // the rest of the word is this option's argument
      }
      if (raw === '-e' || raw === '-f') k++;
    }
  }
  return false;
}

function sedScripts(args: Word[]): string[] {
  const scripts: string[] = [];
  let positional: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const { raw, value } = args[k];
    if (raw === '-e' || raw === '--expression') scripts.push(args[++k]?.value ?? '');
    else if (raw.startsWith('--expression=')) scripts.push(value.slice('--expression='.length));
    else if (raw === '-f' || raw === '-l') k++;
    else if (/^-/.test(raw)) continue;
    else if (positional === undefined) positional = value;
  }
  return scripts.length > 0 ? scripts : positional === undefined ? [] : [positional];
}

function awkProgram(args: Word[]): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const { raw, value } = args[k];
    if (raw === '-f' || raw.startsWith('-f')) return undefined; // the program is in a file
    if (raw === '-F' || raw === '-v') k++;
    else if (raw === '--') return args[k + 1]?.value;
    else if (!/^-/.test(raw)) return value;
  }
  return undefined;
}

/** The awk program without its END blocks (an exit there happens after all input was read). */
function withoutEndBlocks(program: string): string {
  let out = program;
  for (let m = /\bEND\s*\{/.exec(out); m !== null; m = /\bEND\s*\{/.exec(out)) {
    let depth = 0;
    let k = m.index + m[0].length - 1;
    for (; k < out.length; k++) {
      if (out[k] === '{') depth++;
      else if (out[k] === '}' && --depth === 0) break;
    }
    out = out.slice(0, m.index) + out.slice(k + 1);
  }
  return out;
}
