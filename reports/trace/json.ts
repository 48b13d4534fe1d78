// A strict JSON reader for trace documents: like JSON.parse, but every error names its line and
// column (V8's messages do not always carry a position), and a duplicated key is an error at the
// key's JSON path instead of the last value silently winning.
import { Reject, joinKey, joinIndex } from './json-path.js';

/** Parse JSON text; throws `Reject` (path `(root)`, or the duplicated key's path). */
export function readJson(text: string): unknown {
  return new JsonReader(text).document();
}

class JsonReader {
  private pos = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1; // a UTF-8 byte-order mark
  }

  document(): unknown {
    this.skipSpace();
    const value = this.value('');
    this.skipSpace();
    if (this.pos < this.text.length) this.error('unexpected data after the document');
    return value;
  }

  private error(what: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new Reject('', `invalid JSON at line ${line}, column ${at - lineStart + 1} (offset ${at}): ${what}`);
  }

  private found(): string {
    if (this.pos >= this.text.length) return 'unexpected end of input';
    return `unexpected ${JSON.stringify(this.text[this.pos])}`;
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private value(path: string): unknown {
    const c = this.text[this.pos];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    this.error(`${this.found()}, expected a value`);
  }

  private object(path: string): Record<string, unknown> {
    // A null prototype: a "__proto__" key is an ordinary (and later rejected) key, not a prototype.
    const out = Object.create(null) as Record<string, unknown>;
    this.pos++; // {
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.error(`${this.found()}, expected a key string`);
      const key = this.string();
      const keyPath = joinKey(path, key);
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new Reject(keyPath, 'duplicate key');
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.error(`${this.found()}, expected ':'`);
      this.pos++;
      this.skipSpace();
      out[key] = this.value(keyPath);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return out;
      }
      this.error(`${this.found()}, expected ',' or '}'`);
    }
  }

  private array(path: string): unknown[] {
    const out: unknown[] = [];
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value(joinIndex(path, out.length)));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return out;
      }
      this.error(`${this.found()}, expected ',' or ']'`);
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++; // "
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.error('unterminated string', start);
      if (c === 0x22) break;
      if (c < 0x20) this.error('control character in string');
      if (c === 0x5c) {
        const e = this.text[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.error('bad \\u escape');
          this.pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          this.pos += 2;
        } else {
          this.error('bad escape in string');
        }
        continue;
      }
      this.pos++;
    }
    this.pos++; // closing "
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.error(`${this.found()}, expected a number`);
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
