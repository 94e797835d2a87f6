// Runs build tools, at most two at a time per process (the machines have 2 cores
// and other work shares them).
import { spawn } from 'node:child_process';

export interface ToolResult {
  code: number;
  output: string;
}

const MAX_JOBS = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_JOBS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs a command and collects stdout+stderr; never rejects on a non-zero exit. */
export function runTool(cmd: string, args: string[], cwd: string, env?: Record<string, string>): Promise<ToolResult> {
  return slot(
    () =>
      new Promise<ToolResult>((resolve) => {
        const chunks: Buffer[] = [];
        let child;
        try {
          child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
        } catch (e) {
          resolve({ code: -1, output: `cannot start ${cmd}: ${(e as Error).message}` });
          return;
        }
        child.stdout.on('data', (b: Buffer) => chunks.push(b));
        child.stderr.on('data', (b: Buffer) => chunks.push(b));
        child.on('error', (e) => resolve({ code: -1, output: `cannot start ${cmd}: ${e.message}` }));
        child.on('close', (code) => resolve({ code: code ?? -1, output: Buffer.concat(chunks).toString('utf8') }));
      }),
  );
}
