// Valid and ready/valid (Decoupled) interfaces, and a Queue between them.
import { Bundle, Flipped, asTypeOf } from '../aggregates.ts';
import { IO, Input, Output } from '../io.ts';
import { Mem } from '../memory.ts';
import { defineModule, instance } from '../module.ts';
import { RegInit, Wire } from '../state.ts';
import { Bool, UInt } from '../types.ts';
import type { BundleType, FlippedType, HwType } from '../types.ts';
import type { Bool as BoolValue, Data, UInt as UIntValue } from '../values.ts';
import type { BundleOf } from '../value-of.ts';
import { when } from '../when.ts';
import { HashiError } from '../errors.ts';
import { captureLocator } from '../locator.ts';

/** The type of `Valid(T)`: valid and bits. */
export type ValidType<T extends HwType> = BundleType<{ valid: ReturnType<typeof Bool>; bits: T }>;
/** The type of `Decoupled(T)`: valid, ready (flipped) and bits. */
export type DecoupledType<T extends HwType> = BundleType<{ valid: ReturnType<typeof Bool>; ready: FlippedType<ReturnType<typeof Bool>>; bits: T }>;

/** `bits` qualified by `valid`. */
export function Valid<T extends HwType>(bits: T): ValidType<T> {
  return Bundle({ valid: Bool(), bits });
}

/** A ready/valid handshake: a transfer happens on a cycle where both are high. Producer's view. */
export function Decoupled<T extends HwType>(bits: T): DecoupledType<T> {
  return Bundle({ valid: Bool(), ready: Flipped(Bool()), bits });
}

/** Options of `Stream`: `alwaysReady` gives a Valid (no back-pressure) instead of a Decoupled. */
export interface StreamOptions {
  /** The consumer always accepts: no `ready` wire, so the stream is a Valid (Amaranth's always_ready). */
  readonly alwaysReady?: boolean;
}

/**
 * A typed stream of `payload` (Amaranth's lib.stream, Chisel's DecoupledIO):
 * a Decoupled(payload) with backpressure, or a Valid(payload) when the consumer
 * is always ready. Producer's view; `Input(Stream(...))` is the consumer's side.
 */
export function Stream<T extends HwType>(payload: T, opts: { readonly alwaysReady: true }): ValidType<T>;
export function Stream<T extends HwType>(payload: T, opts?: { readonly alwaysReady?: false }): DecoupledType<T>;
export function Stream<T extends HwType>(payload: T, opts: StreamOptions = {}): ValidType<T> | DecoupledType<T> {
  return opts.alwaysReady ? Valid(payload) : Decoupled(payload);
}

/** True on a cycle where `s` transfers its payload: valid and (if it has one) ready. */
export function fire(s: { readonly valid: BoolValue; readonly ready?: BoolValue }): BoolValue {
  return s.ready === undefined ? s.valid : s.valid.and(s.ready);
}

/** A FIFO of `entries` words of `width` bits, ready/valid on both sides. */
export const QueueModule = defineModule({
  name: (p: { entries: number; width: number }) => `Queue${p.entries}_w${p.width}`,
  params: { entries: 2, width: 8 },
  body: ({ entries, width }) => {
    const io = IO({ enq: Input(Decoupled(UInt(width))), deq: Output(Decoupled(UInt(width))), count: Output(UInt(Math.ceil(Math.log2(entries + 1)))) });
    const ptrWidth = Math.max(1, Math.ceil(Math.log2(entries)));
    const storage = Mem(entries, UInt(width)).named('storage');
    const head = RegInit(UInt(ptrWidth), 0).named('head');
    const tail = RegInit(UInt(ptrWidth), 0).named('tail');
    const count = RegInit(UInt(io.count.width), 0).named('occupancy');
    const full = count.eq(entries);
    const empty = count.eq(0);
    const doEnq = io.enq.valid.and(full.not());
    const doDeq = io.deq.ready.and(empty.not());
    const bump = (p: typeof head): void => {
      if (2 ** ptrWidth === entries) p.connect(p.addWrap(1));
      else when(p.eq(entries - 1), () => p.connect(0)).otherwise(() => p.connect(p.addWrap(1)));
    };
    when(doEnq, () => {
      storage.write(tail, io.enq.bits);
      bump(tail);
    });
    when(doDeq, () => bump(head));
    when(doEnq.and(doDeq.not()), () => count.connect(count.addWrap(1))).elsewhen(doDeq.and(doEnq.not()), () => count.connect(count.subWrap(1)));
    io.enq.ready.connect(full.not());
    io.deq.valid.connect(empty.not());
    io.deq.bits.connect(storage.read(head));
    io.count.connect(count);
    return io;
  },
});

/** Put a FIFO of `entries` between a producer's Decoupled output and the returned one (any payload type). */
export function Queue<T extends HwType>(enq: BundleOf<DecoupledType<T>['fields']>, entries = 2): BundleOf<DecoupledType<T>['fields']> {
  if (!Number.isInteger(entries) || entries < 1) throw new HashiError(`Queue depth ${entries} must be a positive integer`, 'give the number of entries', captureLocator(), 'bad-argument');
  const payload = enq.bits as unknown as Data;
  const type = payload.type as T;
  // The FIFO stores raw bits; non-UInt payloads are packed and unpacked around it.
  const q = instance(QueueModule, { entries, width: type.width });
  q.enq.valid.connect(enq.valid);
  q.enq.bits.connect(type.kind === 'uint' ? payload : (payload as unknown as { asUInt(): UIntValue }).asUInt());
  enq.ready.connect(q.enq.ready);
  const deq = Wire(Decoupled(type)) as unknown as BundleOf<DecoupledType<T>['fields']>;
  deq.valid.connect(q.deq.valid);
  (deq.bits as unknown as Data).connect(type.kind === 'uint' ? q.deq.bits : (asTypeOf(type, q.deq.bits) as unknown as Data));
  q.deq.ready.connect(deq.ready);
  return deq;
}
