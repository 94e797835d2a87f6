// Source maps for insert-only edits. The naming transform never inserts a
// newline, so line L of the output is line L of the input with some text
// inserted; the map only has to say how columns moved. It has a segment at
// every token start (each word, each punctuation character) and at every
// mapped insertion, which is what esbuild and Vite need to compose it with
// their own maps and what Node needs for exact line:column in stack traces.
// (Written by hand rather than with magic-string: ~10x faster on big files.)

/** `text` is inserted before the character at `pos`; `mapped` inserts get a segment of their own. */
export interface Insertion {
  readonly pos: number;
  readonly text: string;
  readonly mapped: boolean;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SMALL = 2048;
const vlqTable: string[] = Array.from({ length: 2 * SMALL + 1 }, (_, i) => encodeVlq(i - SMALL));

function encodeVlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += BASE64[digit];
  } while (v > 0);
  return out;
}

function vlq(n: number): string {
  return n >= -SMALL && n <= SMALL ? vlqTable[n + SMALL]! : encodeVlq(n);
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** The VLQ `mappings` of `text` with `insertions` (sorted by pos) applied; one source, no names. */
export function insertionMappings(text: string, insertions: readonly Insertion[]): string {
  let out = '';
  let prevOrigLine = 0;
  let prevOrigCol = 0;
  let prevGenCol = 0;
  let firstOnLine = true;
  let line = 0;
  let lineStart = 0;
  let shift = 0; // generated column minus original column, on this line so far
  let k = 0;
  let prevWord = false;
  const n = text.length;
  const emit = (origCol: number): void => {
    const genCol = origCol + shift;
    out += (firstOnLine ? '' : ',') + vlq(genCol - prevGenCol) + 'A' + vlq(line - prevOrigLine) + vlq(origCol - prevOrigCol);
    firstOnLine = false;
    prevGenCol = genCol;
    prevOrigLine = line;
    prevOrigCol = origCol;
  };
  for (let i = 0; i <= n; i++) {
    while (k < insertions.length && insertions[k]!.pos === i) {
      const ins = insertions[k++]!;
      if (ins.mapped) emit(i - lineStart);
      shift += ins.text.length;
    }
    if (i === n) break;
    const c = text.charCodeAt(i);
    if (c === 10) {
      out += ';';
      line++;
      lineStart = i + 1;
      shift = 0;
      prevGenCol = 0;
      firstOnLine = true;
      prevWord = false;
      continue;
    }
    const word = isWordChar(c);
    if (word ? !prevWord : !isSpace(c)) emit(i - lineStart);
    prevWord = word;
  }
  return out;
}
