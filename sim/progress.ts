// One self-overwriting status line on stderr during cold builds, only on a TTY.
export class Progress {
  private readonly enabled = process.stderr.isTTY === true;
  private readonly started = Date.now();
  private shown = false;

  constructor(private readonly subject: string) {}

  status(message: string): void {
    if (!this.enabled) return;
    process.stderr.write(`\r\x1b[K[hashi sim] ${this.subject}: ${message}`);
    this.shown = true;
  }

  done(message: string): void {
    if (!this.enabled || !this.shown) return;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`\r\x1b[K[hashi sim] ${this.subject}: ${message} in ${seconds} s\n`);
  }

  clear(): void {
    if (this.enabled && this.shown) process.stderr.write('\r\x1b[K');
  }
}
