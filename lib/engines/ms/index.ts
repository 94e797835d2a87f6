// The memory-stationary accelerator's library: memory plan, ring, engine, golden model.
export * from './plan.ts';
export * from './ring.ts';
