// Where emitted text goes. Emission writes small pieces to a sink; the file sink
// batches them into large writes, so no output is ever held whole in memory.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Where emitted text goes (`FileSink`, `StringSink`). */
export interface TextSink {
  write(text: string): void;
}

/** Emitted text written to a file, buffered. */
export class FileSink implements TextSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  bytes = 0;

  constructor(path: string, private readonly flushAt = 1 << 16) {
    this.fd = openSync(path, 'w');
  }

  /** Append text to the file. */
  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.flushAt) this.flush();
  }

  /** Write bytes already encoded (UTF-8), after any pending text. */
  writeBytes(buf: Uint8Array, end: number): void {
    this.flush();
    let at = 0;
    while (at < end) at += writeSync(this.fd, buf, at, end - at);
    this.bytes += end;
  }

  private flush(): void {
    if (this.size === 0) return;
    this.bytes += writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Flush and close the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Collects text in memory; for tests and small circuits. */
/** Emitted text kept in memory (`toString()`). */
export class StringSink implements TextSink {
  private readonly parts: string[] = [];
  /** Append text. */
  write(text: string): void {
    this.parts.push(text);
  }
  toString(): string {
    return this.parts.join('');
  }
}
