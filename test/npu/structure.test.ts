// The NPU's structure: the lanes are the design's only multipliers (in the
// FIRRTL and after Yosys synthesis), the design file emits with --param, and
// the ports are the documented ones.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StringSink, elaborate, emitFirrtl, portsOf } from '../../dsl/index.ts';
import { main } from '../../cli/main.ts';
import { Npu, npuDefaults } from '../../lib/index.ts';

function firrtlOf(p: Partial<typeof npuDefaults>): string {
  const sink = new StringSink();
  emitFirrtl(elaborate(Npu, { ...npuDefaults, ...p }), sink);
  return sink.toString();
}

describe('Npu structure', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    { classes: 10, features: 16, lanes: 4 },
    { classes: 7, features: 5, lanes: 3 },
    { classes: 5, features: 8, lanes: 8 },
  ])('has exactly one multiplier per lane in the FIRRTL ($classes x $features on $lanes lanes)', (shape) => {
    const fir = firrtlOf(shape);
    const muls = fir.match(/= mul\(/g) ?? [];
    expect(muls.length).toBe(shape.lanes);
    // Weight (8 bits) times feature (8 bits): 16-bit products.
    expect(fir.match(/node product(_\d+)? = mul\(wbank\d+\.r0\.data, (xbuf\.r0\.data|x\d+)\)/g)?.length).toBe(shape.lanes);
  });

  it('has the documented ports and an accumulator sized for k_fe products', () => {
    const circuit = elaborate(Npu, { ...npuDefaults, classes: 10, features: 16, lanes: 4 });
    const ports = portsOf(circuit.top).map((q) => `${q.name}:${q.direction}:${q.width}`);
    expect(ports).toEqual([
      'clock:input:1',
      'reset:input:1',
      'wWrite_valid:input:1',
      'wWrite_bits_row:input:4',
      'wWrite_bits_col:input:4',
      'wWrite_bits_data:input:8',
      'xWrite_valid:input:1',
      'xWrite_bits_addr:input:4',
      'xWrite_bits_data:input:8',
      'start:input:1',
      'result_valid:output:1',
      'result_bits_index:output:4',
      'result_bits_score:output:16',
      'busy:output:1',
      'done:output:1',
    ]);
    const sink = new StringSink();
    emitFirrtl(circuit, sink);
    expect(sink.toString()).toMatch(/reg acc0 : SInt<20>/); // 16 x (-2) x (-4) = 2^18 needs 20 bits
  });

  it('emits from the design file with --param', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    const out = 'build/test-npu-emit';
    const code = await main(['emit', 'designs/npu.ts', '--param', 'classes=7', '--param', 'features=5', '--param', 'lanes=3', '-o', out]);
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/Npu_k7_f5_l3_w2_6_x3_5_o8_8\.sv/);
  });

  it('synthesizes to exactly `lanes` multiplier cells (Yosys)', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    const code = await main(['report', 'area', 'designs/npu.ts', '--param', 'classes=7', '--param', 'features=5', '--param', 'lanes=3', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(lines.at(-1)!) as { mul_cells: number };
    expect(r.mul_cells).toBe(3);
  });
});
