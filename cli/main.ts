// The `hashi` command line: thin glue over dsl/, sim/ and the benchmarks.
import { Command, Option } from 'commander';
import { verilogTargets } from '../dsl/index.ts';
import type { VerilogTarget } from '../dsl/index.ts';
import { benchCommand } from './bench.ts';
import { emitCommand } from './emit.ts';
import { EXIT, exitCodeHelp, reportError } from './report-error.ts';
import { UsageError } from './usage-error.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function program(): Command {
  const cli = new Command('hashi')
    .description('hashi: hardware in TypeScript (FIRRTL, firtool, SystemVerilog, Verilator)')
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', exitCodeHelp);

  cli
    .command('emit')
    .description('elaborate a design into FIRRTL and SV')
    .addHelpText(
      'after',
      '\nThe SystemVerilog goes to <out>/sv/. Files there that hashi did not write are never removed or overwritten:\nfirtool writes to a fresh folder, and only the files the last emit recorded (sv/.hashi-written) are replaced.' + exitCodeHelp,
    )
    .argument('<design.ts>', 'TypeScript file exporting a module made with defineModule')
    .option('--top <name>', 'module to elaborate when the file exports several')
    .option('--param <key=value>', 'set a generator parameter (repeatable)', collect, [])
    .option('-o, --out <dir>', 'output folder')
    .addOption(
      new Option('--target <name>', `firtool lowering: ${Object.entries(verilogTargets).map(([k, t]) => `${k}: ${t.about}`).join('; ')}`)
        .choices(Object.keys(verilogTargets))
        .default('default'),
    )
    .option('--firtool-opt <option>', 'pass an option to firtool after the target\'s, e.g. --firtool-opt=--lowering-options=emittedLineLength=120 (repeatable)', collect, [])
    .option('--no-typecheck', 'do not type-check the design file first (TypeScript, with its tsconfig.json)')
    .action(async (file: string, opts: { top?: string; param: string[]; out?: string; target: VerilogTarget; firtoolOpt: string[]; typecheck: boolean }) => {
      await emitCommand(file, opts);
    });

  cli
    .command('setup')
    .description('install Verilator, Yosys, Icarus, firtool')
    .action(async () => {
      const { setupCommand } = await import('./setup.ts');
      setupCommand();
    });

  cli
    .command('doctor')
    .description('the tools hashi finds and what is missing')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const { doctorCommand } = await import('./setup.ts');
      doctorCommand(opts);
    });

  cli
    .command('init')
    .description('a new project with a design and its test')
    .argument('[dir]', 'project folder (created if missing)', '.')
    .option('--hashi <spec>', 'the dependency to write for hashi (default: this hashi: its folder, or its version when installed)')
    .action(async (dir: string, opts: { hashi?: string }) => {
      const { initCommand } = await import('./setup.ts');
      initCommand(dir, opts);
    });

  cli
    .command('demo')
    .description("the main job: trained MobileNetV2s (train/weights) classify digits in HaShiFlex and HaShiFix, simulated in Verilator, image by image equal to the integer reference; task B's classifier through the NPU weight port; area and throughput report")
    .option('--images <n>', 'test images per task (default: the whole test split)')
    .option('--no-fix', 'skip HaShiFix (its own Verilator build)')
    .option('--json', 'print one JSON object last on stdout (the rest goes to stderr)')
    .option('-o, --out <dir>', 'output folder', 'build/demo')
    .action(async (o: { images?: string; fix: boolean; json?: boolean; out: string }) => {
      const { demoCommand } = await import('./demo.ts');
      const n = o.images === undefined ? undefined : Number(o.images);
      if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) throw new UsageError(`--images must be a positive integer, got '${o.images}'`);
      await demoCommand({ ...(n !== undefined ? { images: n } : {}), out: o.out, fix: o.fix, json: o.json === true });
    });

  cli
    .command('infer')
    .description('import a QDQ .onnx model (Po2 activation scales), harden it (streaming or unrolled form), simulate every input in Verilator and compare with the golden model and ONNX Runtime; --json: one JSON object, last on stdout')
    .argument('<model.onnx>', 'the model: one NCHW float input, QuantizeLinear/DequantizeLinear with power-of-two scales')
    .option('--inputs <file.npy>', 'float32 NCHW images, shape (N, C, H, W) or (C, H, W)')
    .option('--form <form>', 'hardened form: streaming (one pixel per cycle) or unrolled (the paper\'s: the whole map at once, combinational; small nets)', 'streaming')
    .option('--weight-bits <b>', 'Po2 bit-width for float weights that are not already powers of two', '5')
    .option('--sparsity <s>', 'pruning of such float layers (the first and depthwise layers stay dense)', '0')
    .option('--line-buffer <form>', 'line buffers of k > 1 layers: registers or memory', 'registers')
    .option('--no-reference', 'do not run ONNX Runtime')
    .option('--json', 'also print the results as JSON (last line)')
    .action(async (model: string, opts: { inputs?: string; form: string; weightBits: string; sparsity: string; lineBuffer: string; reference: boolean; json?: boolean }) => {
      const { inferCommand } = await import('./infer.ts');
      await inferCommand(model, opts);
    });

  const report = cli.command('report').description('reports on a design');
  report
    .command('accuracy')
    .description('accuracy of the trained digits networks (train/results/sweep.json from npm run train -- --sweep): Table 5, Fig. 5a with hardened adders, Fig. 6 analogues')
    .option('--json', 'print the report as one JSON object last on stdout')
    .option('-o, --out <dir>', 'write accuracy.json and the SVG plots there')
    .action(async (opts: { json?: boolean; out?: string }) => {
      const { reportAccuracyCommand } = await import('./report-accuracy.ts');
      reportAccuracyCommand(opts);
    });
  report
    .command('net')
    .description('per-layer adders, adder bits and Yosys gates of a streaming network (a MobileNetV2 design file, a built-in family or a QDQ .onnx model), and its throughput model; --json: the report as JSON, last on stdout')
    .argument('<design.ts|family|model.onnx>', 'design file exporting mobileNetV2FromParams (e.g. designs/mobilenetv2.ts); a family: mobilenet-v1, mobilenet-v2, resnet18, resnet34, resnet50, vgg11, vgg16 (parameters of designs/cnn.ts); or a QDQ .onnx model (per conv layer: adders, adder bits, gates of its streaming form)')
    .option('--top <name>', 'module to elaborate when the file exports several')
    .option('--param <key=value>', 'set a generator parameter (repeatable)', collect, [])
    .option('--json', 'also print the report as JSON (last line)')
    .option('--no-gates', 'skip synthesis: adders and adder bits only (fast)')
    .option('--no-cache', 'ignore and do not write the report-net cache (report-net/ in the cache folder: see hashi doctor)')
    .option('--area-mm2 <mm2>', "area of one copy, for the paper's throughput model of this net")
    .action(async (file: string, opts: { top?: string; param: string[]; json?: boolean; gates?: boolean; cache?: boolean; areaMm2?: string }) => {
      if (file.toLowerCase().endsWith('.onnx')) {
        const { reportOnnxNetCommand } = await import('./report-net-onnx.ts');
        await reportOnnxNetCommand(file, opts);
        return;
      }
      const { reportNetCommand } = await import('./report-net.ts');
      await reportNetCommand(file, opts);
    });
  report
    .command('sweep')
    .description('net report totals (adders, adder bits, gates) over sparsity x activation width, as DIR/sweep.json and SVG plots')
    .argument('<design.ts>', 'design file exporting mobileNetV2FromParams, e.g. designs/mobilenetv2.ts')
    .option('--top <name>', 'module to elaborate when the file exports several')
    .option('--param <key=value>', 'set a fixed generator parameter (repeatable)', collect, [])
    .option('--sparsity <list>', 'sparsities, comma-separated', '0,0.25,0.5,0.6,0.75,0.9')
    .option('--act-bits <list>', 'activation widths, comma-separated', '4,5,6,7,8')
    .option('-o, --out <dir>', 'output folder', 'build/sweep')
    .option('--json', 'also print the result as JSON (last line)')
    .option('--no-gates', 'skip synthesis: adders and adder bits only (fast)')
    .option('--no-cache', 'ignore and do not write the report-net cache (report-net/ in the cache folder: see hashi doctor)')
    .action(async (file: string, opts: { top?: string; param: string[]; sparsity?: string; actBits?: string; out?: string; json?: boolean; gates?: boolean; cache?: boolean }) => {
      const { reportSweepCommand } = await import('./report-sweep.ts');
      await reportSweepCommand(file, opts);
    });
  report
    .command('families')
    .description("the paper's Fig. 4: nonzero weights, adders, adder bits and estimated hardened area of MobileNetV1/V2, ResNet-18/34/50, VGG-11/16 at 224x224 against published top-1; writes DIR/families.json and DIR/families.svg")
    .option('--sparsity <s>', 'unstructured sparsity of every layer but the first and the depthwise ones (default 0.6)')
    .option('--seed <n>', 'seed of the random Po2 weights (default 1)')
    .option('--resolution <n>', "input resolution (default 224, the paper's; smaller is quicker)")
    .option('-o, --out <dir>', 'output folder', 'build/families')
    .option('--json', 'also print the report as JSON (last line)')
    .action(async (opts: { sparsity?: string; seed?: string; resolution?: string; out?: string; json?: boolean }) => {
      const { reportFamiliesCommand } = await import('./report-families.ts');
      await reportFamiliesCommand(opts);
    });
  report
    .command('ms')
    .description('the memory-stationary accelerator measured on our engine in Verilator: ring vs ping-pong memory, accesses with and without the line register, gating off/on, mixed vs fixed widths; --json: the report as JSON, last on stdout')
    .option('--po <n>', 'output channels of the MAC array (default 8)')
    .option('--px <n>', 'pixels of the MAC array (default 8)')
    .option('--dead <fraction>', 'fraction of output channels pruned to zero in the random nets (default 0.25)')
    .option('--json', 'also print the report as JSON (last line)')
    .action(async (opts: { json?: boolean; po?: string; px?: string; dead?: string }) => {
      const { reportMsCommand } = await import('./report-ms.ts');
      await reportMsCommand(opts);
    });
  report
    .command('hyperdrive')
    .description("Hyperdrive's schedule on ResNet-34: cycles, weight bits and lane use per layer, I/O per image against a weight-stationary engine; --json: the report as JSON, last on stdout")
    .option('--json', 'also print the report as JSON (last line)')
    .action(async (opts: { json?: boolean }) => {
      const { reportHyperdriveCommand } = await import('./report-hyperdrive.ts');
      reportHyperdriveCommand(opts);
    });
  report
    .command('area')
    .description('adders, adder bits, $mul cells and generic gates (Yosys), in total and per module; --json: one JSON object, last on stdout')
    .argument('<design.ts>', 'TypeScript file exporting a module made with defineModule')
    .option('--top <name>', 'module to elaborate when the file exports several')
    .option('--param <key=value>', 'set a generator parameter (repeatable)', collect, [])
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { top?: string; param: string[]; json?: boolean }) => {
      const { reportAreaCommand } = await import('./report-area.ts');
      await reportAreaCommand(file, opts);
    });

  cli
    .command('bench')
    .description('run a benchmark from bench/ (with --json: one JSON object, last on stdout)')
    .argument('<name>', 'benchmark name, e.g. sim or elab')
    .option('--json', 'print the result as JSON')
    .allowUnknownOption()
    .argument('[args...]', 'passed to the benchmark')
    .action(async (name: string, args: string[], opts: { json?: boolean }) => {
      await benchCommand(name, opts.json ?? false, args);
    });
  return cli;
}

/** Runs the CLI; returns the process exit code (see exitCodeHelp). */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    return reportError(err);
  }
}
