// MRT read errors. The pure decoder reports a problem as data (MrtFault: what is wrong, where inside the record);
// the reader turns it into one error class per condition, each with a stable `code` and the file offset of the
// record, so that a caller (and `anycast mrt dump --json`) can branch on the code and point at the bytes.
//
//   ERR_MRT_TRUNCATED        the input ends inside a record header or body (nothing after it can be read)
//   ERR_MRT_MALFORMED        a complete record whose body does not parse (the reader can continue after it)
//   ERR_MRT_RECORD_TOO_LONG  a header announces a body longer than the reader's limit (skipped without buffering)
//   ERR_MRT_INPUT            the input itself failed (unreadable file, corrupt compression): nothing more to read
import { AnycastError } from '../util/errors.js';

/** What the pure decoder found wrong in one record body; `at` is the offset inside the body. */
export interface MrtFault {
  readonly reason: string;
  readonly at: number;
}

export interface MrtErrorInfo {
  /** Offset of the record's first header octet in the (decompressed) input. */
  readonly offset: number;
  /** MRT type and subtype, when the header could be read. */
  readonly type?: number;
  readonly subtype?: number;
}

export abstract class MrtError extends AnycastError {
  readonly offset: number;
  readonly type: number | undefined;
  readonly subtype: number | undefined;
  constructor(code: string, message: string, info: MrtErrorInfo) {
    super(code, `offset ${info.offset}: ${message}`);
    this.offset = info.offset;
    this.type = info.type;
    this.subtype = info.subtype;
  }
  /** Whether records after this one can still be read. */
  abstract readonly recoverable: boolean;
}

export class MrtTruncatedError extends MrtError {
  readonly recoverable = false;
  /** Octets present and octets the header (or the header itself) needed. */
  readonly have: number;
  readonly need: number;
  constructor(info: MrtErrorInfo & { have: number; need: number; what: 'header' | 'body' }) {
    super('ERR_MRT_TRUNCATED', `input ends inside a record ${info.what}: ${info.have} of ${info.need} octets`, info);
    this.have = info.have;
    this.need = info.need;
  }
}

export class MrtMalformedError extends MrtError {
  readonly recoverable = true;
  /** Offset of the fault inside the record body. */
  readonly at: number;
  readonly reason: string;
  constructor(info: MrtErrorInfo & MrtFault) {
    super('ERR_MRT_MALFORMED', `${recordLabel(info)}: ${info.reason} (body offset ${info.at})`, info);
    this.at = info.at;
    this.reason = info.reason;
  }
}

export class MrtRecordTooLongError extends MrtError {
  readonly recoverable = true;
  readonly length: number;
  readonly limit: number;
  constructor(info: MrtErrorInfo & { length: number; limit: number }) {
    super('ERR_MRT_RECORD_TOO_LONG', `${recordLabel(info)}: length ${info.length} exceeds the limit of ${info.limit} ` +
      'octets; record skipped', info);
    this.length = info.length;
    this.limit = info.limit;
  }
}

function recordLabel(info: MrtErrorInfo): string {
  return info.type === undefined ? 'record' : `record type ${info.type} subtype ${info.subtype ?? '?'}`;
}

export class MrtInputError extends MrtError {
  readonly recoverable = false;
  constructor(offset: number, message: string, cause: unknown) {
    super('ERR_MRT_INPUT', message, { offset });
    (this as { cause?: unknown }).cause = cause;
  }
}
