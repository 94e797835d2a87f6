// `hashi report families [--sparsity 0.6] [--out DIR] [--json]`: the paper's
// Fig. 4 on our graphs (lib/nets/family-report.ts): per model the nonzero
// weights, adders and adder bits (unrolled, the paper's form; and streaming),
// the estimated hardened area against the published top-1, as a table,
// DIR/families.json and DIR/families.svg (log10 area vs top-1, the reticle line).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { familiesReport, type FamiliesReport } from '../lib/index.ts';
import { status } from './status.ts';
import { linePlot, type Series } from './svg-plot.ts';
import { UsageError } from './usage-error.ts';

function num(v: string | undefined, what: string, dflt: number, lo: number, hi: number): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isFinite(x) || x < lo || x > hi) throw new UsageError(`--${what} must be a number in [${lo}, ${hi}], got '${v}'`);
  return x;
}

function si(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n);
}

/** The plot: one point per model (log10 of the area against top-1) and the reticle line. */
export function familiesSvg(r: FamiliesReport): string {
  const xs = r.points.map((p) => p.top1);
  const series: Series[] = r.points.map((p) => ({ label: `${p.label} (${Math.round(p.areaMm2)} mm2)`, xy: [[p.top1, Math.log10(p.areaMm2)]] }));
  series.push({ label: `reticle ${r.reticleMm2} mm2`, color: '#cc0000', xy: [[Math.min(...xs), Math.log10(r.reticleMm2)], [Math.max(...xs), Math.log10(r.reticleMm2)]] });
  return linePlot(
    [{ title: `hardened area vs ImageNet top-1 (${r.resolution}x${r.resolution}, sparsity ${r.sparsity})`, xLabel: 'published top-1 (%)', yLabel: 'log10 estimated area (mm2)', series }],
    { panelWidth: 900, panelHeight: 520, title: 'hashi report families (the paper\'s Fig. 4): unrolled adder bits x area per adder bit' },
  );
}

export async function reportFamiliesCommand(opts: { sparsity?: string; seed?: string; resolution?: string; out?: string; json?: boolean }): Promise<void> {
  const sparsity = num(opts.sparsity, 'sparsity', 0.6, 0, 0.99);
  const resolution = num(opts.resolution, 'resolution', 224, 32, 512);
  if (!Number.isInteger(resolution)) throw new UsageError(`--resolution must be an integer, got '${opts.resolution}'`);
  const seed = num(opts.seed, 'seed', 1, 0, 2 ** 32 - 1);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got '${opts.seed}'`);
  let clear = (): void => {};
  const r = familiesReport({
    sparsity,
    seed,
    resolution,
    progress: (t) => {
      clear();
      clear = status(t);
    },
  });
  clear();
  const out = resolve(opts.out ?? 'build/families');
  mkdirSync(out, { recursive: true });
  const json = {
    resolution: r.resolution,
    sparsity: r.sparsity,
    seed: r.seed,
    reticle_mm2: r.reticleMm2,
    mm2_per_adder_bit: r.mm2PerAdderBit,
    calibration: r.calibration,
    models: r.points.map((p) => ({
      model: p.label,
      top1: p.top1,
      top1_source: p.top1Source,
      weights: p.cost.weights,
      nonzero_weights: p.cost.nonzero,
      adders: p.cost.unrolledAdders,
      adder_bits: p.cost.unrolledBits,
      streaming_adders: p.cost.streamingAdders,
      streaming_adder_bits: p.cost.streamingBits,
      area_mm2: p.areaMm2,
      reticles: p.areaMm2 / r.reticleMm2,
    })),
    files: { json: join(out, 'families.json'), svg: join(out, 'families.svg') },
  };
  writeFileSync(json.files.json, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(json.files.svg, familiesSvg(r));
  console.log(`CNN families hardened at ${r.resolution}x${r.resolution}, seeded random Po2 weights (seed ${seed}), sparsity ${sparsity} (first and depthwise layers dense)`);
  console.log('adders / adder bits: unrolled (the paper\'s form, one tree per output element); streaming: one tree per output channel');
  console.log(`${'model'.padEnd(18)}${'top-1'.padStart(8)}${'nonzero w'.padStart(11)}${'adders'.padStart(11)}${'adder bits'.padStart(12)}${'area mm2'.padStart(10)}${'reticles'.padStart(10)}${'stream adders'.padStart(15)}`);
  for (const m of json.models)
    console.log(
      `${m.model.padEnd(18)}${m.top1.toFixed(1).padStart(8)}${si(m.nonzero_weights).padStart(11)}${si(m.adders).padStart(11)}${si(m.adder_bits).padStart(12)}${m.area_mm2.toFixed(0).padStart(10)}${m.reticles.toFixed(2).padStart(10)}${si(m.streaming_adders).padStart(15)}`,
    );
  console.log(r.calibration);
  console.log(`wrote ${json.files.json} and ${json.files.svg}`);
  if (opts.json) console.log(JSON.stringify(json));
}
