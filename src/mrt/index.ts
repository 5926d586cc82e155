// Public API of the MRT module (RFC 6396, RFC 8050). See docs/mrt.md.
//   readMrt / readMrtBatches / MrtStreamDecoder   streaming reader (plain, .gz, .bz2), records or typed errors
//   decodeRecord / encodeRecord                     pure record codec, encode(decode(bytes)) == bytes
//   MrtWriter / RibDumper + build.ts helpers        writers for TABLE_DUMP_V2 and BGP4MP, with backpressure
//   BgpdumpFormatter                                `bgpdump -m` one-line output; recordJson for JSON lines
export * from './build.js';
export * from './bgpdump.js';
export { bgpdumpAsPath, bgpdumpAttrs, bgpdumpIpv6, type BgpdumpAttrs } from './bgpdump-attrs.js';
export { ByteWriter, MrtEncodeError } from './bytes.js';
export * from './constants.js';
export * from './decode.js';
export { bgp4mpContext } from './decode-bgp4mp.js';
export { TD2_CONTEXT } from './decode-td2.js';
export * from './encode.js';
export * from './errors.js';
export { nextRecordFrame, readHeader, type RecordHeader } from './header.js';
export * from './json.js';
export type * from './model.js';
export * from './reader.js';
export * from './summary.js';
export * from './writer.js';
