// `hashi report net` and `report sweep`: the per-layer modules add up to the
// whole design, gates fall with sparsity, the sweep writes well-formed SVG,
// and bad parameters are clear errors. Configurations are tiny (Yosys seconds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IO, Input, SInt, Stream, Vec, defineModule, elaborate, emitVerilog } from '../../dsl/index.ts';
import { MobileNetV2, mobileNetV2FromParams, mobileNetV2Defaults } from '../../designs/mobilenetv2.ts';
import { formatWidth, mobileNetV2Hw, mobileNetV2Net, randomLayerWeights, type MobileNetV2Net, type StageInfo } from '../../lib/index.ts';
import { netReport, preStat } from '../../cli/report-net.ts';
import { sweepPlots, type SweepPoint } from '../../cli/report-sweep.ts';
import { arithmeticFigures } from '../../cli/yosys-stat.ts';

const dir = mkdtempSync(join(tmpdir(), 'hashi-report-net-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// alpha 0.35 at 8 x 8 with 3 blocks: a residual block (features.3), 4 features.
const small = { ...mobileNetV2Defaults, resolution: 8, blocks: 3, headChannels: 4 };

/** The whole net's stages, as mobileNetV2Hw reports them. */
function stagesOf(net: MobileNetV2Net): StageInfo[] {
  let stages: StageInfo[] = [];
  const def = defineModule({
    name: 'StagesOf',
    body: () => {
      const io = IO({ in: Input(Stream(Vec(3, SInt(formatWidth(net.act))))) });
      const hw = mobileNetV2Hw(net, { valid: io.in.valid, pixel: io.in.bits.toArray() });
      io.in.ready.connect(hw.ready);
      stages = [...hw.stages];
    },
  });
  elaborate(def, {});
  return stages;
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8' });
}

/** A strict enough XML check: balanced tags, quoted attributes, escaped text; returns the elements. */
function parseXml(text: string): { name: string; attrs: Record<string, string>; parent: string | undefined }[] {
  const elements: { name: string; attrs: Record<string, string>; parent: string | undefined }[] = [];
  const stack: string[] = [];
  let roots = 0;
  for (const tok of text.match(/<[^>]*>|[^<]+/g) ?? []) {
    if (!tok.startsWith('<')) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(tok)) throw new Error(`unescaped & in text: ${tok}`);
      if (stack.length === 0 && tok.trim() !== '') throw new Error(`text outside the root: ${tok}`);
      continue;
    }
    const close = /^<\/([A-Za-z][\w:-]*)\s*>$/.exec(tok);
    if (close) {
      if (stack.pop() !== close[1]) throw new Error(`mismatched </${close[1]}>`);
      continue;
    }
    const open = /^<([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>$/.exec(tok);
    if (!open) throw new Error(`malformed tag: ${tok}`);
    if (stack.length === 0) roots++;
    const attrs: Record<string, string> = {};
    for (const m of (open[2] as string).matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[m[1] as string] = m[2] as string;
    elements.push({ name: open[1] as string, attrs, parent: stack.at(-1) });
    if (open[3] !== '/') stack.push(open[1] as string);
  }
  if (stack.length !== 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return elements;
}

describe('hashi report net', () => {
  it('per-layer adders and adder bits add up to the whole design (Yosys before alumacc); latencies are mobileNetV2Hw stages', async () => {
    const net = mobileNetV2FromParams(small);
    const r = await netReport(net, small, 'designs/mobilenetv2.ts', { gates: false, cacheDir: null, areaMm2: 100 });
    expect(r.layers.map((l) => l.name)).toEqual([
      'stem',
      'depthwise features.1',
      'project features.1',
      'expand features.2',
      'depthwise features.2',
      'project features.2',
      'expand features.3',
      'depthwise features.3',
      'project features.3',
      'residual features.3',
      'head features.18',
      'pool',
    ]);
    const v = await emitVerilog(elaborate(MobileNetV2, small), { outDir: join(dir, 'whole'), target: 'yosys' });
    const pre = await preStat(v.svFiles, v.top);
    const whole = arithmeticFigures((pre.hierarchy ?? pre.modules[v.top])!.types);
    expect(r.total.adders).toBe(whole.adders);
    expect(r.total.adder_bits).toBe(whole.adder_bits);
    expect(whole.mul_cells).toBe(0);
    expect(r.total.mul_cells).toBe(0);
    // Every tree has nonzero - 1 adders plus at most one for its bias; a layer
    // adds a few control adders (counters), and Yosys merges identical tree
    // adders across channels (the stem here: 23 fewer): the counts stay near the weights.
    for (const l of r.layers.filter((x) => x.nonzero_weights > 0)) expect(Math.abs(l.adders - l.nonzero_weights)).toBeLessThanOrEqual(l.out[2] + 8);
    expect(r.total.gates).toBeNull();
    const stages = stagesOf(net);
    expect(r.layers.map((l) => [l.name, l.latency, l.fifo_depth])).toEqual(stages.map((s) => [s.name, s.latency, s.fifoDepth]));
    // The streaming model: (H + 1)^2 cycles per image at full rate.
    expect(r.timing.cycles_per_image).toBe(81);
    expect(r.timing.latency).toBe(r.timing.input_cycles + r.timing.tail_latency);
    const paper = r.throughput.rows.slice(0, 2).map((x) => Number((x.estimate.imagesPerSecond / 1e6).toFixed(1)));
    expect(paper).toEqual([1.2, 4.0]);
    // This net on 100 mm^2 copies: an 8 x 8 x 3 image needs ~2 I/O cycles, so the stream's 81 cycles bound it.
    const own = r.throughput.rows[2]!;
    expect([own.estimate.copies, own.estimate.cyclesPerImage, own.estimate.bound]).toEqual([8, 81, 'compute']);
  }, 900_000);

  it('gates are positive and fall with sparsity; unchanged layers come from the cache', async () => {
    const cacheDir = join(dir, 'cache');
    const at = (sparsity: number): MobileNetV2Net =>
      // Every layer pruned (the stem too), so that sparsity reaches all of them.
      mobileNetV2Net({ alpha: 0.1, resolution: 4, blocks: 0, headChannels: 2, weights: randomLayerWeights({ seed: 2, sparsity, dense: () => false }) });
    const a = await netReport(at(0.5), {}, 'tiny', { cacheDir });
    const b = await netReport(at(0.9), {}, 'tiny', { cacheDir });
    for (const l of [...a.layers, ...b.layers]) expect(l.gates).toBeGreaterThan(0);
    expect(b.total.gates!).toBeLessThan(a.total.gates!);
    expect(b.total.adders).toBeLessThan(a.total.adders);
    const again = await netReport(at(0.5), {}, 'tiny', { cacheDir });
    expect(again.layers.every((l) => l.cached)).toBe(true);
    expect(again.total).toEqual(a.total);
  }, 900_000);

  it('bad parameters are one-line usage errors (exit 2, cli/report-error) before any Yosys run', () => {
    const blocks = cli('report', 'net', 'designs/mobilenetv2.ts', '--param', 'blocks=99');
    expect(blocks.status).toBe(2);
    expect(blocks.stderr).toMatch(/^error: designs\/mobilenetv2.ts: bad parameters \(blocks=99\): .*blocks must be 0 \.\. 17/m);
    const unknown = cli('report', 'net', 'designs/mobilenetv2.ts', '--param', 'depth=3');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown parameter 'depth'; the parameters are: alpha/);
    const sweep = cli('report', 'sweep', 'designs/mobilenetv2.ts', '--sparsity', '0,1.5');
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toMatch(/--sparsity: '1.5' is not a sparsity in \[0, 1\)/);
    const swept = cli('report', 'sweep', 'designs/mobilenetv2.ts', '--param', 'sparsity=0.5');
    expect(swept.status).toBe(2);
    expect(swept.stderr).toMatch(/--param sparsity is swept/);
    const notNet = cli('report', 'net', 'designs/counter.ts');
    expect(notNet.status).toBe(2);
    expect(notNet.stderr).toMatch(/exports no mobileNetV2FromParams.*or give a built-in family name \(mobilenet-v1, /);
    const fam = cli('report', 'net', 'resnet18', '--param', 'family=vgg11');
    expect(fam.status).toBe(2);
    expect(fam.stderr).toMatch(/the family is the argument; leave out --param family/);
  }, 600_000);
});

describe('hashi report sweep', () => {
  it('writes the JSON and two well-formed SVG plots, one polyline per series', () => {
    const out = join(dir, 'sweep');
    const r = cli('report', 'sweep', 'designs/mobilenetv2.ts', '--param', 'resolution=4', '--param', 'blocks=0', '--param', 'headChannels=2', '--sparsity', '0,0.9', '--act-bits', '5,8', '--no-gates', '--no-cache', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { points: SweepPoint[]; files: Record<string, string> };
    expect(res.points).toHaveLength(4);
    for (const f of Object.values(res.files)) expect(existsSync(f)).toBe(true);
    const at = (b: number, s: number): SweepPoint => res.points.find((p) => p.actBits === b && p.sparsity === s)!;
    // Wider activations: wider adders; the head's pruning: fewer adders.
    expect(at(8, 0).adder_bits).toBeGreaterThan(at(5, 0).adder_bits);
    expect(at(8, 0.9).adders).toBeLessThan(at(8, 0).adders);
    // No gates: two panels (adders, adder bits) per plot.
    const bySparsity = parseXml(readFileSync(res.files.sparsitySvg!, 'utf8'));
    expect(bySparsity[0]!.name).toBe('svg');
    const lines = bySparsity.filter((e) => e.name === 'polyline');
    expect(lines).toHaveLength(2 * 2);
    for (const l of lines) expect(l.attrs.points!.trim().split(/\s+/)).toHaveLength(2);
    const byWidth = parseXml(readFileSync(res.files.actBitsSvg!, 'utf8')).filter((e) => e.name === 'polyline');
    expect(byWidth).toHaveLength(2 * 2);
  }, 900_000);

  it('plots every metric, a line per activation width and per sparsity, with as many points as the grid', () => {
    const points: SweepPoint[] = [];
    for (const actBits of [4, 6, 8])
      for (const sparsity of [0, 0.5, 0.75, 0.9])
        points.push({ actBits, sparsity, nonzero_weights: 0, adders: 100 * (1 - sparsity), adder_bits: actBits * 100 * (1 - sparsity), gates: 5000 * actBits * (1 - sparsity), dffs: 10, yosys_seconds: 0 });
    const plots = sweepPlots(points, 'a & b <test>');
    const s = parseXml(plots.sparsity);
    const panelsOf = (els: ReturnType<typeof parseXml>): string[][] => {
      const lines = els.filter((e) => e.name === 'polyline').map((e) => e.attrs.points!.trim().split(/\s+/));
      return lines.map((l) => l);
    };
    // 3 metrics x 3 widths, 4 sparsities each; 3 metrics x 4 sparsities, 3 widths each.
    expect(panelsOf(s).map((l) => l.length)).toEqual(Array(9).fill(4));
    expect(panelsOf(parseXml(plots.actBits)).map((l) => l.length)).toEqual(Array(12).fill(3));
    expect(plots.sparsity).toContain('a &amp; b &lt;test&gt;');
    // A falling series is drawn falling (SVG y grows downwards).
    const ys = panelsOf(s)[0]!.map((p) => Number(p.split(',')[1]));
    expect([...ys].sort((x, y) => x - y)).toEqual(ys);
  });
});
