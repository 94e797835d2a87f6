// Hyperdrive, the binary-weight streaming engine: golden model, schedule, hardware.
export * from './golden.ts';
export * from './engine.ts';
export * from './mesh.ts';
export * from './report.ts';
export * from './compile.ts';
