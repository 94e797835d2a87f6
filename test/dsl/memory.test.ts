// Mem and SyncReadMem, simulated: write then read back, read latency, writes
// gated by `when`, read-under-write 'old'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bool, IO, Input, Mem, Output, SyncReadMem, UInt, defineModule, when } from '../../dsl/index.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';

const Memories = defineModule({
  name: 'Memories',
  body: () => {
    const io = IO({
      we: Input(Bool()),
      waddr: Input(UInt(3)),
      wdata: Input(UInt(8)),
      raddr: Input(UInt(3)),
      comb: Output(UInt(8)),
      sync: Output(UInt(8)),
    });
    const combMem = Mem(8, UInt(8)).named('combMem');
    const syncMem = SyncReadMem(8, UInt(8), { readUnderWrite: 'old' }).named('syncMem');
    when(io.we, () => {
      combMem.write(io.waddr, io.wdata);
      syncMem.write(io.waddr, io.wdata);
    });
    io.comb.connect(combMem.read(io.raddr));
    io.sync.connect(syncMem.read(io.raddr));
    return io;
  },
});

describe('memories in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Memories);
  });
  afterAll(() => sim.close());

  const write = (addr: number, data: number): void => {
    sim.poke('we', 1);
    sim.poke('waddr', addr);
    sim.poke('wdata', data);
    sim.step();
    sim.poke('we', 0);
  };

  it('reads back what was written, combinationally for Mem', () => {
    for (let a = 0; a < 8; a++) write(a, 10 * a + 1);
    for (let a = 7; a >= 0; a--) {
      sim.poke('raddr', a);
      expect(sim.peek('comb')).toBe(10 * a + 1); // same cycle, no clock edge
    }
  });

  it('returns SyncReadMem data one cycle after the address', () => {
    sim.poke('raddr', 2);
    sim.step();
    expect(sim.peek('sync')).toBe(21);
    sim.poke('raddr', 5);
    expect(sim.peek('sync')).toBe(21); // not yet
    sim.step();
    expect(sim.peek('sync')).toBe(51);
  });

  it('does not write while the when condition is false', () => {
    sim.poke('we', 0);
    sim.poke('waddr', 3);
    sim.poke('wdata', 99);
    sim.step(3);
    sim.poke('raddr', 3);
    expect(sim.peek('comb')).toBe(31);
  });

  it('reads the old data when reading and writing one address (read-under-write old)', () => {
    sim.poke('raddr', 4);
    sim.poke('we', 1);
    sim.poke('waddr', 4);
    sim.poke('wdata', 200);
    sim.step();
    sim.poke('we', 0);
    expect(sim.peek('sync')).toBe(41);
    sim.step();
    expect(sim.peek('sync')).toBe(200);
  });
});
