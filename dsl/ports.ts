// A module's ports as flat signals, the way the SystemVerilog shows them:
// what a simulator harness or another tool needs, without the IR.
import type { ModuleIR } from './ir.ts';

export interface PortInfo {
  readonly name: string;
  readonly direction: 'input' | 'output';
  readonly width: number;
  readonly signed: boolean;
  readonly kind: 'clock' | 'reset' | 'asyncReset' | 'data';
}

export function portsOf(m: ModuleIR): PortInfo[] {
  return m.ports.map((p) => ({
    name: p.name,
    direction: p.dir,
    width: p.type.width,
    signed: p.type.kind === 'sint',
    kind: p.type.kind === 'clock' ? 'clock' : p.type.kind === 'reset' ? 'reset' : p.type.kind === 'asyncreset' ? 'asyncReset' : 'data',
  }));
}
