// The memory-stationary accelerator's library: memory plan, ring, engine, golden model.
export * from './plan.ts';
export * from './ring.ts';
export * from './golden.ts';
export * from './program.ts';
export * from './engine.ts';
export * from './random-net.ts';
export * from './from-graph.ts';
export * from './compile-graph.ts';
