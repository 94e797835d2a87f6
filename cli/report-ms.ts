// `hashi report ms [--json]`: the memory-stationary accelerator's comparisons,
// measured on our engine (designs/ms-report.ts does the work); prints the table.
import { msReport } from '../designs/ms-report.ts';
import type { MsComparison } from '../designs/ms-report.ts';
import { status } from './status.ts';

function ratioText(c: MsComparison): string {
  return c.ratioKind === 'times' ? `${c.ratio.toFixed(2)}x` : `${(-c.ratio * 100).toFixed(1)} %`;
}

export async function reportMsCommand(opts: { json?: boolean; po?: string; px?: string; dead?: string }): Promise<void> {
  let done: (() => void) | undefined;
  const report = await msReport({
    po: opts.po === undefined ? undefined : Number(opts.po),
    px: opts.px === undefined ? undefined : Number(opts.px),
    deadFraction: opts.dead === undefined ? undefined : Number(opts.dead),
    onProgress: (what) => {
      done?.();
      done = status(what);
    },
  });
  done?.();
  console.log(`memory-stationary engine, Po = ${report.po}, Px = ${report.px}, ring ${report.ringWords} words of 64 bits`);
  console.log(`net: ${report.net}`);
  console.log(`every run bit-exact against the golden model: ${report.bitExact ? 'yes' : 'NO'}`);
  if (report.student) {
    const a = report.student.accuracy;
    const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
    console.log(`distilled student (train/weights/ms-student.json): test accuracy teacher ${pct(a.teacherFloat)} (float), student ${pct(a.studentFloat)} (float), ${pct(a.studentInteger)} (integer, as the engine)`);
  }
  const r = report.runs;
  console.log('runs (cycles / ring reads / ring writes):');
  for (const [name, run] of Object.entries(r)) console.log(`  ${name.padEnd(20)} ${run.cycles} / ${run.reads} / ${run.writes}`);
  console.log('');
  for (const c of report.comparisons) {
    console.log(`${c.metric}`);
    const num = (n: number) => (Number.isInteger(n) ? `${n}` : n.toFixed(1));
    console.log(`  ours ${num(c.ours)}, baseline ${num(c.baseline)}: ${ratioText(c)}   paper: ${c.paper}`);
    console.log(`  baseline: ${c.measuredAgainst}`);
  }
  if (opts.json) console.log(JSON.stringify(report));
}
