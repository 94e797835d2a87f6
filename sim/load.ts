// loadSimulator: build (or fetch from cache) and open a model in one call.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadAddon } from './addon.ts';
import { buildModel } from './build.ts';
import { remoteModel } from './remote.ts';
import { cacheRoot } from './cache.ts';
import { SimError } from './errors.ts';
import type { TraceKind } from './glue.ts';
import { Simulator } from './simulator.ts';
import type { PortInfo, SimulatorOptions } from './types.ts';

let waveSeq = 0;

export async function loadSimulator(options: SimulatorOptions): Promise<Simulator> {
  if (options.svFiles.length === 0) throw new SimError(`loadSimulator: no SystemVerilog files given for ${options.top}`);
  checkPorts(options.ports);
  const trace: TraceKind = options.waveform === true ? 'fst' : options.waveform ? options.waveform : 'none';
  const built = await buildModel({
    top: options.top,
    svFiles: options.svFiles,
    ports: options.ports,
    trace,
    verilatorFlags: options.verilatorFlags ?? [],
    cacheDir: options.cacheDir,
  });
  const model = options.outOfProcess ? remoteModel(options.top, built.addonPath, options.ports) : loadAddon(built.addonPath);
  let waveformPath: string | undefined;
  if (trace !== 'none') {
    waveformPath = path.resolve(
      options.waveformPath ?? path.join(cacheRoot(options.cacheDir), 'waves', `${options.top}-${process.pid}-${++waveSeq}.${trace}`),
    );
    mkdirSync(path.dirname(waveformPath), { recursive: true });
  }
  return new Simulator(model, options.ports, waveformPath, { key: built.key, cached: !built.built, addonPath: built.addonPath });
}

function checkPorts(ports: PortInfo[]): void {
  const seen = new Set<string>();
  for (const p of ports) {
    if (!/^[A-Za-z_]\w*$/.test(p.name)) throw new SimError(`port name '${p.name}' is not a plain identifier`);
    if (seen.has(p.name)) throw new SimError(`port '${p.name}' is listed twice`);
    seen.add(p.name);
    if (!Number.isInteger(p.width) || p.width < 1) throw new SimError(`port '${p.name}' has bad width ${p.width}`);
    if ((p.kind === 'clock' || p.kind === 'reset' || p.kind === 'asyncReset') && p.width !== 1) {
      throw new SimError(`${p.kind} port '${p.name}' must be 1 bit wide`);
    }
  }
}
