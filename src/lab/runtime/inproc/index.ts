// The in-process runtime's entry points (see lab.ts): opening a lab in this process, and the message given in a
// build without this project's speaker.

export { InprocLab, INPROC_NOTE, openInprocLab } from './lab.js';
export { INPROC_UNAVAILABLE } from './control.js';
export { DataPlane, Fib } from './dataplane.js';
