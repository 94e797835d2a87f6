// Emission's output buffer: text is encoded into one large buffer, which goes
// to a file sink as bytes (few, large writes) or to any other sink as text.
import { FileSink } from './sink.ts';
import type { TextSink } from './sink.ts';

export class ByteOut {
  buf: Buffer = Buffer.allocUnsafe(1 << 20);
  pos = 0;

  constructor(private readonly sink: TextSink) {}

  /** Make room for `n` more bytes. */
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

  /** Text known to be ASCII only (so Latin-1 is UTF-8): encoded without a flattening copy. */
  writeAscii(s: string): void {
    if (s.length > this.buf.length) return this.write(s);
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  flush(): void {
    if (this.pos === 0) return;
    if (this.sink instanceof FileSink) this.sink.writeBytes(this.buf, this.pos);
    else this.sink.write(this.buf.toString('utf8', 0, this.pos));
    this.pos = 0;
  }
}
