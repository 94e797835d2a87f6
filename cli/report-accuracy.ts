// `hashi report accuracy [--json] [--out DIR]`: prints the accuracy tables of the
// trained digits networks and writes them as JSON and SVG (designs/accuracy-report.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accuracyReport } from '../designs/accuracy-report.ts';
import { linePlot } from './svg-plot.ts';

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export function reportAccuracyCommand(o: { json?: boolean; out?: string }): void {
  const r = accuracyReport();
  const say = (s = ''): void => void (o.json ? process.stderr : process.stdout).write(`${s}\n`);
  const n = r.network;
  say(`accuracy of MobileNetV2 alpha ${n.alpha}, ${n.resolution} x ${n.resolution}, ${n.blocks} blocks, ${n.head_channels} features on ${r.data}`);
  say('quantized rows: the integer-exact network (the hardware\'s numbers), NPU classifier');
  say('');
  say('Table 5 analogue (task A, dense):');
  say('  weights  activations  accuracy');
  for (const t of r.table5) say(`  ${t.weights.padEnd(8)} ${t.activations.padEnd(12)} ${pct(t.accuracy).padStart(8)}`);
  say('');
  say(`Fig. 5a analogue (task A, ${r.sparsity_curve_format}, incremental pruning with retraining; adders: the library's Po2 trees of this network at that sparsity, seeded random weights):`);
  say('  sparsity  accuracy    adders  of dense');
  for (const f of r.fig5a) say(`  ${pct(f.sparsity).padStart(8)}  ${pct(f.accuracy).padStart(8)}  ${String(f.adders).padStart(8)}  ${pct(f.adders / r.denseAdders).padStart(8)}`);
  say('');
  say('Fig. 6 analogue (task B = digits 5-9, classifier retrained on the frozen extractor):');
  for (const f of r.fig6) say(`  ${f.extractor.padEnd(28)} ${pct(f.accuracy).padStart(8)}`);
  if (o.out !== undefined) {
    mkdirSync(o.out, { recursive: true });
    writeFileSync(join(o.out, 'accuracy.json'), `${JSON.stringify(r, null, 1)}\n`);
    const acc = (xy: [number, number][]) => xy.map(([x, y]) => [x, 100 * y] as [number, number]);
    writeFileSync(
      join(o.out, 'table5.svg'),
      linePlot([{ title: 'Table 5 analogue: task A accuracy', xLabel: `row (${r.table5.map((t, i) => `${i} ${t.weights}/${t.activations}`).join(', ')})`, yLabel: 'accuracy %', series: [{ label: 'test accuracy', xy: acc(r.table5.map((t, i) => [i, t.accuracy])) }] }], { panelWidth: 720 }),
    );
    writeFileSync(
      join(o.out, 'fig5a.svg'),
      linePlot([
        { title: 'accuracy vs sparsity (task A)', xLabel: 'sparsity %', yLabel: 'accuracy %', series: [{ label: r.sparsity_curve_format, xy: acc(r.fig5a.map((f) => [100 * f.sparsity, f.accuracy])) }] },
        { title: 'hardened area vs sparsity', xLabel: 'sparsity %', yLabel: 'Po2 tree adders', series: [{ label: 'adders', xy: r.fig5a.map((f) => [100 * f.sparsity, f.adders]) }] },
      ]),
    );
    writeFileSync(join(o.out, 'fig6.svg'), linePlot([{ title: 'Fig. 6 analogue: task B accuracy', xLabel: `extractor (${r.fig6.map((f, i) => `${i} ${f.extractor}`).join(', ')})`, yLabel: 'accuracy %', series: [{ label: 'task B', xy: acc(r.fig6.map((f, i) => [i, f.accuracy])) }] }], { panelWidth: 720 }));
    say(`wrote ${join(o.out, 'accuracy.json')}, table5.svg, fig5a.svg, fig6.svg`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
}
