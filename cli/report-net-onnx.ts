// `hashi report net MODEL.onnx`: the imported model hardened in the streaming form (each conv
// layer in a module of its own, designs/cnn.ts) and measured with Yosys as `report area` does:
// per conv layer its nonzero Po2 weights, adders, adder bits and gates; the rest (linear
// layers, requantization, pools, residual FIFOs) in the top module.
import { readOnnxFile } from '../lib/nets/onnx/decode.ts';
import { importOnnx } from '../lib/nets/onnx/import.ts';
import { cnnModule } from '../designs/cnn.ts';
import { areaOf } from './report-area.ts';
import { status } from './status.ts';

export interface OnnxNetLayer {
  name: string;
  kind: string;
  weights: 'exact' | 'quantized';
  nonzero_weights: number;
  /** null for linear layers: they are built in the top module (see `rest`). */
  adders: number | null;
  adder_bits: number | null;
  gates: number | null;
}

export interface OnnxNetReport {
  model: string;
  layers: OnnxNetLayer[];
  /** The top module's own logic: linear layers, requantization, pools, residual FIFOs. */
  rest: { adders: number; adder_bits: number; gates: number };
  total: { nonzero_weights: number; adders: number; adder_bits: number; gates: number; dffs: number; mul_cells: number };
  notes: string[];
}

export async function reportOnnxNetCommand(file: string, opts: { readonly json?: boolean }): Promise<OnnxNetReport> {
  const imported = importOnnx(readOnnxFile(file));
  const moduleOf = new Map<string, string>();
  const def = cnnModule(imported.graph, { layerModules: true, moduleName: (n) => n.name });
  const done = status('elaborating, lowering and synthesizing with Yosys (one module per conv layer)');
  let area;
  try {
    area = await areaOf(def);
  } finally {
    done();
  }
  for (const n of imported.graph.nodes) if (n.op === 'conv') moduleOf.set(n.name, `Conv_${n.name}`);
  const layers: OnnxNetLayer[] = imported.layers.map((l) => {
    const node = imported.graph.nodes.find((n) => n.name === l.node);
    const m = area.modules[moduleOf.get(l.node) ?? ''];
    return {
      name: l.node,
      kind: node?.op === 'conv' ? `conv ${node.kernel}x${node.kernel}${node.groups > 1 ? ` g${node.groups}` : ''}${node.stride === 2 ? ' /2' : ''}` : 'linear (in top)',
      weights: l.weights,
      nonzero_weights: l.nonzero,
      adders: m === undefined ? null : m.adders,
      adder_bits: m === undefined ? null : m.adder_bits,
      gates: m === undefined ? null : m.gates,
    };
  });
  const top = area.modules[area.top];
  const report: OnnxNetReport = {
    model: file,
    layers,
    rest: { adders: top?.adders ?? 0, adder_bits: top?.adder_bits ?? 0, gates: top?.gates ?? 0 },
    total: { nonzero_weights: layers.reduce((a, l) => a + l.nonzero_weights, 0), adders: area.adders, adder_bits: area.adder_bits, gates: area.gates, dffs: area.dffs, mul_cells: area.mul_cells },
    notes: [...imported.notes],
  };
  console.log(`${file}: ${imported.graph.nodes.length} graph nodes, input ${imported.input.chw.join('x')} (NCHW), streaming form`);
  console.log('layer                          kind              weights   nonzero  adders  bits  gates');
  for (const l of layers)
    console.log(`${l.name.padEnd(30)} ${l.kind.padEnd(17)} ${l.weights.padEnd(9)} ${String(l.nonzero_weights).padStart(7)} ${String(l.adders ?? '-').padStart(7)} ${String(l.adder_bits ?? '-').padStart(5)} ${String(l.gates ?? '-').padStart(6)}`);
  console.log(`${'rest (top: linear, requantize, pools, FIFOs)'.padEnd(58)} ${String(report.rest.adders).padStart(15)} ${String(report.rest.adder_bits).padStart(5)} ${String(report.rest.gates).padStart(6)}`);
  const t = report.total;
  console.log(`total: ${t.nonzero_weights} nonzero weights, ${t.adders} adders, ${t.adder_bits} adder bits, ${t.mul_cells} $mul cells, ${t.gates} gates after synth -flatten (${t.dffs} flip-flops); per-layer gates from a hierarchical synthesis`);
  for (const n of report.notes) console.log(`note: ${n}`);
  if (opts.json) console.log(JSON.stringify(report));
  return report;
}
