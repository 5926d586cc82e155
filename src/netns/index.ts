// The namespace harness: topologies of namespaces and veths created in batches, commands and long-running
// processes inside namespaces, and a crash-safe registry of everything created. Used by the lab, the
// interoperability tests and the daemon runners (src/daemons).

export * from './errors.js';
export * from './plan.js';
export * from './run.js';
export * from './proc.js';
export * from './registry.js';
export * from './topology.js';
export * from './spawn.js';
export * from './capabilities.js';
export * from './names.js';
export * from './capture.js';
