// Errors at the public API: one class per condition, each with a stable `code` string, so that callers (and the
// CLI's --json output) can branch on the code, not on the message text.

export class AnycastError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A configuration or topology file is invalid: which file, which key (a dotted path) and why. */
export class ConfigError extends AnycastError {
  readonly file: string;
  readonly key: string;
  readonly reason: string;
  constructor(file: string, key: string, reason: string) {
    super('ERR_CONFIG', `${file}: ${key === '' ? '(top level)' : key}: ${reason}`);
    this.file = file;
    this.key = key;
    this.reason = reason;
  }
}

/** A command line that cannot be acted on. */
export class UsageError extends AnycastError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** Something the machine lacks (root, a Debian package, a kernel feature), with what to do about it. */
export class MissingCapabilityError extends AnycastError {
  constructor(what: string, hint: string) {
    super('ERR_MISSING_CAPABILITY', `${what} is not available: ${hint}`);
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
