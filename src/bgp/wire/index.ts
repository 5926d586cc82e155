// Public API of the BGP-4 wire codec (pure: no sockets, timers or filesystem). See docs/wire.md.
//   decode(bytes, ctx, session?)  stage 1 + stage 2, errors as data with RFC 7606 actions
//   decodeMessage / encodeMessage whole messages;  nextFrame / FrameReader  stream framing
//   decodeAttributes / encodeAttributes, decodePrefixes / encodePrefixes  sections alone (MRT)
export * from './addr.js';
export * from './as-path.js';
export * from './attributes.js';
export * from './attr-decode.js';
export * from './attr-encode.js';
export * from './capabilities.js';
export * from './codec.js';
export * from './communities.js';
export * from './context.js';
export * from './effective.js';
export * from './errors.js';
export * from './framing.js';
export * from './messages.js';
export * from './notification.js';
export * from './open.js';
export * from './prefix.js';
export * from './update.js';
export * from './validate.js';
export * from './decode.js';
export * from './json.js';
export * from './pack.js';
