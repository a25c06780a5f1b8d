/**
 * The two ways a Proxmox CLI command fails, reproduced byte for byte (docs/pve-behaviour.md §1.3):
 * a plain `die` (message on stderr, exit 255) and a parameter exception (`400 ...` block + usage line).
 */

/** A Perl `die` with this message. A message without a trailing newline gets the Perl location suffix. */
export class Die extends Error {
  /** @param text the message; a trailing "\n" is added unless `perlLine` asks for the ` at ... line N.` suffix */
  constructor(text: string, readonly perlLine?: number) {
    super(text);
  }

  /** The exact stderr text. */
  render(): string {
    if (this.perlLine !== undefined) return `${this.message} at /usr/share/perl5/PVE/CLI/pct.pm line ${this.perlLine}.\n`;
    return this.message.endsWith("\n") ? this.message : `${this.message}\n`;
  }
}

/**
 * A PVE::Exception with code 400. `errors` maps a parameter to its message; a message that itself ends in
 * "\n" (format errors) produces the blank line seen in real output (fixture 22).
 */
export class Param400 extends Error {
  /** Text printed before the usage line, e.g. `Unknown option: foo` from Getopt. */
  prefix = "";
  /** The short usage line, filled in by the dispatcher. */
  usage = "";
  constructor(readonly msg: string, readonly errors: Array<[string, string]> = []) {
    super(msg);
  }

  /** The exact stderr text. */
  render(): string {
    let s = `${this.prefix}400 ${this.msg}\n`;
    for (const [k, v] of this.errors) s += `${k}: ${v}\n`;
    if (this.usage) s += `${this.usage}\n`;
    return s;
  }
}

/** Shorthand for the schema-validation 400. */
export function paramError(errors: Array<[string, string]>): Param400 {
  return new Param400("Parameter verification failed.", errors);
}
