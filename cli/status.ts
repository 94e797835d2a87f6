// A one-line status on stderr for long steps, shown only on a terminal so logs
// and piped output stay clean. Returns the function that clears it.
export function status(text: string): () => void {
  if (!process.stderr.isTTY) return () => {};
  const started = performance.now();
  const frames = ['|', '/', '-', '\\'];
  let i = 0;
  const draw = (): void => {
    const s = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\r${frames[i++ % frames.length]} ${text} (${s} s)\x1b[K`);
  };
  draw();
  const timer = setInterval(draw, 100);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}
