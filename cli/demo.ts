// `hashi demo`, the main job for now: emit the counter, simulate it in
// Verilator against a software model, and say what happened.
import { relative } from 'node:path';
import { Counter } from '../designs/counter.ts';
import { simToolchain, simulate } from '../sim/index.ts';
import { status } from './status.ts';

export async function demoCommand(): Promise<void> {
  const width = 4;
  const done = status('elaborating, lowering with firtool, building the Verilator model');
  const sim = await simulate(Counter, { width }, { outDir: `build/${Counter.spec.name}` });
  done();
  const tools = await simToolchain();
  const v = sim.verilog;
  console.log(`hashi demo: an enabled ${width}-bit counter`);
  console.log(`  firtool ${v.firtoolVersion}, ${tools.verilatorVersion}`);
  console.log(`  FIRRTL:        ${relative(process.cwd(), v.firPath)}`);
  for (const f of v.svFiles) console.log(`  SystemVerilog: ${relative(process.cwd(), f)}`);
  console.log(`  model: ${sim.buildInfo.cached ? 'loaded from the build cache' : 'compiled'}`);

  try {
    sim.poke('enable', 0);
    sim.reset(1);
    const trace: string[] = [];
    let model = 0;
    let mismatches = 0;
    const cycles = 40;
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const enable = cycle % 7 === 0 ? 0 : 1; // pause now and then
      sim.poke('enable', enable);
      sim.step();
      model = (model + enable) % 2 ** width;
      const count = Number(sim.peek('count'));
      if (count !== model) mismatches++;
      trace.push(`${enable ? '' : '='}${count}`);
    }
    console.log(`  simulation: ${cycles} cycles (=n: enable low, count held)`);
    console.log(`    count: ${trace.join(' ')}`);
    if (mismatches > 0) throw new Error(`the simulated counter disagreed with the model on ${mismatches} of ${cycles} cycles`);
    console.log(`  result: matches the software model on every cycle, wrapping from ${2 ** width - 1} to 0`);
  } finally {
    sim.close();
  }
}
