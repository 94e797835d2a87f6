// The cyclic feature memory: an SRAM (reads answer in the next cycle) of any size S, its address unit (add, then
// subtract S once) and a monitor that fails the simulation on a write to a live input word.
import { Bool, Bundle, IO, Input, Output, SyncReadMem, UInt, Valid, Wire, assert, defineModule, mux, when } from '../../../dsl/index.ts';
import type { Bool as BoolValue, UInt as UIntValue } from '../../../dsl/index.ts';

/** Bits to hold 0..n (at least 1). */
export function msBitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n + 1)));
}

/** Address bits of a ring of S words. */
export function msRingAddrBits(ringWords: number): number {
  return msBitsFor(ringWords - 1);
}

/** A ring location: `offset` words past `base` (both < S). */
export function MsRingPointer(addrBits: number) {
  return Bundle({ base: UInt(addrBits), offset: UInt(addrBits) });
}

/** The live input words: offsets from..to-1 past base. */
export function MsLiveRegion(addrBits: number) {
  return Bundle({ base: UInt(addrBits), from: UInt(addrBits + 1), to: UInt(addrBits + 1) });
}

/** (base + offset) mod S for base, offset < S: no divider, S need not be a power of two. */
export function msRingAddress(base: UIntValue, offset: UIntValue, ringWords: number): UIntValue {
  const sum = base.add(offset);
  const wrapped = mux(sum.geq(ringWords), sum.subWrap(ringWords), sum);
  return wrapped.trunc(msRingAddrBits(ringWords));
}

/** (a - b) mod S for a, b < S: how far a lies past b around the ring. */
function ringDistance(a: UIntValue, b: UIntValue, ringWords: number): UIntValue {
  const w = msRingAddrBits(ringWords) + 1;
  const diff = mux(a.geq(b), a.pad(w).subWrap(b.pad(w)), a.pad(w).addWrap(ringWords).subWrap(b.pad(w)));
  return diff.trunc(w);
}

export const msRingDefaults = { ringWords: 80, wordBits: 64 };
export type MsRingParams = typeof msRingDefaults;

export const MsRing = defineModule({
  name: (p: MsRingParams) => `MsRing_s${p.ringWords}_w${p.wordBits}`,
  params: msRingDefaults,
  body: ({ ringWords, wordBits }) => {
    if (!Number.isSafeInteger(ringWords) || ringWords < 2) throw new RangeError(`MsRing: ringWords must be an integer >= 2, got ${ringWords}`);
    const aw = msRingAddrBits(ringWords);
    const io = IO({
      write: Input(Valid(Bundle({ at: MsRingPointer(aw), data: UInt(wordBits) }))),
      /** A read: like an SRAM, its word is on readData in the next cycle. */
      fetch: Input(Valid(MsRingPointer(aw))),
      readData: Output(UInt(wordBits)),
      /** While valid, a write into this region fails the simulation. */
      live: Input(Valid(MsLiveRegion(aw))),
    });
    const words = SyncReadMem(ringWords, UInt(wordBits)).named('words');
    const writeAddr = Wire(UInt(aw)).named('writeAddr');
    writeAddr.connect(msRingAddress(io.write.bits.at.base, io.write.bits.at.offset, ringWords));
    when(io.write.valid, () => words.write(writeAddr, io.write.bits.data));
    io.readData.connect(words.read(msRingAddress(io.fetch.bits.base, io.fetch.bits.offset, ringWords), io.fetch.valid));

    // The address unit is correct only for base, offset < S.
    const pointerOk = (p: { base: UIntValue; offset: UIntValue }): BoolValue => p.base.lt(ringWords).and(p.offset.lt(ringWords));
    assert(io.write.valid.not().or(pointerOk(io.write.bits.at)), 'ms ring: write pointer base %d offset %d outside the ring', io.write.bits.at.base, io.write.bits.at.offset);

    // The monitor: where the write lands, counted from the live input's base.
    const live = io.live.bits;
    const past = ringDistance(writeAddr, live.base, ringWords).named('livePast');
    const clobbers = Wire(Bool()).named('clobbersLive');
    clobbers.connect(io.write.valid.and(io.live.valid).and(past.geq(live.from)).and(past.lt(live.to)));
    assert(clobbers.not(), 'ms ring monitor: write to live input word at ring address %d (input offset %d, live %d..%d)', writeAddr, past, live.from, live.to);
    return io;
  },
});
