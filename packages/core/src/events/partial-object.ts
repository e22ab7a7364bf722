/**
 * The top-level scalar members of a JSON object whose text is cut short or broken further on, read as
 * far as the text is well formed: `{"type":"response","request_seq":4,"body":{` gives `type` and
 * `request_seq`. Nested objects and arrays are skipped, never read. Used only on the failure path, to
 * find which request a reply that can no longer be parsed was answering, so that request fails at once
 * instead of waiting (possibly for ever) for an answer that already came.
 */
export function leadingScalars(text: string): Map<string, string | number | boolean | null> {
  const found = new Map<string, string | number | boolean | null>();
  const scan = new Scanner(text);
  scan.space();
  if (!scan.take('{')) return found;
  for (;;) {
    scan.space();
    const key = scan.string();
    if (key === undefined) return found;
    scan.space();
    if (!scan.take(':')) return found;
    scan.space();
    const value = scan.value();
    if (value === BROKEN) return found;
    if (value !== NESTED) found.set(key, value);
    scan.space();
    if (!scan.take(',')) return found;
  }
}

const BROKEN = Symbol('broken');
const NESTED = Symbol('nested');
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Scanner {
  #at = 0;
  constructor(private readonly text: string) {}

  space(): void {
    while (this.#at < this.text.length && ' \t\r\n'.includes(this.text[this.#at]!)) this.#at++;
  }

  take(char: string): boolean {
    if (this.text[this.#at] !== char) return false;
    this.#at++;
    return true;
  }

  /** A complete string literal, or undefined (not a string, or cut before its closing quote). */
  string(): string | undefined {
    if (!this.take('"')) return undefined;
    let out = '';
    while (this.#at < this.text.length) {
      const c = this.text[this.#at++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.#at++];
      if (e === 'u') {
        const hex = this.text.slice(this.#at, this.#at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.#at += 4;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
      } else {
        return undefined;
      }
    }
    return undefined;
  }

  value(): string | number | boolean | null | typeof BROKEN | typeof NESTED {
    const c = this.text[this.#at];
    if (c === '"') return this.string() ?? BROKEN;
    if (c === '{' || c === '[') return this.skipNested() ? NESTED : BROKEN;
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.#at)) {
        this.#at += word.length;
        return this.#ends() ? value : BROKEN;
      }
    }
    NUMBER.lastIndex = this.#at;
    const m = NUMBER.exec(this.text);
    if (m === null) return BROKEN;
    this.#at += m[0].length;
    // A number at the very end may have been cut (`12` of `123`): only one followed by more text counts.
    return this.#ends() ? Number(m[0]) : BROKEN;
  }

  /** Whether the value just read is followed by something (space, `,` or `}`), i.e. was not cut. */
  #ends(): boolean {
    const next = this.text[this.#at];
    return next !== undefined && ' \t\r\n,}'.includes(next);
  }

  /** Skips a nested object or array (strings inside included); false when it is cut before its end. */
  skipNested(): boolean {
    let depth = 0;
    while (this.#at < this.text.length) {
      const c = this.text[this.#at]!;
      if (c === '"') {
        if (this.string() === undefined) return false;
        continue;
      }
      this.#at++;
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return true;
      }
    }
    return false;
  }
}
