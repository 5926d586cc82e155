// Transports for BGP sessions: the interface (types.ts), real TCP (tcp.ts), in-memory pairs (memory.ts), and
// address helpers. See docs/session.md.
export * from './types.js';
export * from './address.js';
export { TcpTransport, type TcpTransportOptions } from './tcp.js';
export { MemoryNetwork, MemoryConnection, fixedChunks, randomChunks, type MemoryNetworkOptions } from './memory.js';
