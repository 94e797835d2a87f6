// A byte buffer for emission: the hot statements are written byte by byte
// from pre-encoded pieces, so no string is made per statement.
import { FileSink } from './sink.ts';
import type { TextSink } from './sink.ts';

export class ByteOut {
  buf: Buffer = Buffer.allocUnsafe(1 << 20);
  pos = 0;

  constructor(private readonly sink: TextSink) {}

  /** Make room for `n` more bytes (flushing at statement boundaries keeps UTF-8 sequences whole). */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Any text. */
  write(s: string): void {
    if (s.length * 3 > this.buf.length) {
      this.flush();
      this.sink.write(s);
      return;
    }
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  flush(): void {
    if (this.pos === 0) return;
    if (this.sink instanceof FileSink) this.sink.writeBytes(this.buf, this.pos);
    else this.sink.write(this.buf.toString('utf8', 0, this.pos));
    this.pos = 0;
  }
}

export function encode(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}
