// The in-process runtime's entry points (see lab.ts): opening a lab in this process.

export { InprocLab, INPROC_NOTE, openInprocLab } from './lab.js';
export { DataPlane, Fib } from './dataplane.js';
