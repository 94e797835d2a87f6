// Shared fixtures for the sim tests: port lists of the hand-written SV designs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PortInfo } from '../../sim/index.ts';

export const fixture = (name: string) => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

const input = (name: string, width: number, kind: PortInfo['kind'] = 'data', signed = false): PortInfo => ({
  name,
  direction: 'input',
  width,
  signed,
  kind,
});
const output = (name: string, width: number, signed = false): PortInfo => ({ name, direction: 'output', width, signed, kind: 'data' });

export const accumulator = {
  top: 'Accumulator',
  svFiles: [fixture('Accumulator.sv')],
  ports: [input('clock', 1, 'clock'), input('reset', 1, 'reset'), input('in', 32), input('en', 1), output('acc', 32), output('sum_next', 32)],
};

export const signedWide = {
  top: 'SignedWide',
  svFiles: [fixture('SignedWide.sv')],
  ports: [
    input('clock', 1, 'clock'),
    input('a', 8, 'data', true),
    input('b', 48, 'data', true),
    input('d', 64, 'data', true),
    input('c', 100),
    output('neg_a', 8, true),
    output('a_ext', 9, true),
    output('b_reg', 48, true),
    output('d_neg_reg', 64, true),
    output('c_inc', 100),
  ],
};

export const counter = {
  top: 'Counter',
  svFiles: [fixture('Counter.sv')],
  ports: [input('clk', 1, 'clock'), input('rst', 1, 'asyncReset'), input('limit', 8), output('count', 8)],
};

export const stopper = {
  top: 'Stopper',
  svFiles: [fixture('Stopper.sv')],
  ports: [input('clock', 1, 'clock'), input('trip', 1), input('done', 1), output('ticks', 8)],
};

export const adder = {
  top: 'Adder',
  svFiles: [fixture('Adder.sv')],
  ports: [input('a', 8), input('b__in', 8), output('sum', 9), output('operator', 8)],
};

const pair = (name: string, width: number, signed: boolean): PortInfo[] => [input(name, width, 'data', signed), output(`${name}_inc`, width, signed)];

/** One input/output pair per storage size (no clock): each output is its input + 1. */
export const widths = {
  top: 'Widths',
  svFiles: [fixture('Widths.sv')],
  ports: [
    ...[['u1', 1, false], ['u12', 12, false], ['s12', 12, true], ['u17', 17, false], ['s32', 32, true], ['s40', 40, true], ['u71', 71, false]].flatMap(
      ([n, w, s]) => pair(n as string, w as number, s as boolean),
    ),
  ].sort((a, b) => (a.direction === b.direction ? 0 : a.direction === 'input' ? -1 : 1)),
};
