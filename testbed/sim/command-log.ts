/**
 * The per-node command log (`$ROOT/nodes/<node>/command.log`): one JSON line per invocation, appended with
 * O_APPEND in a single write so concurrent processes never interleave. Tests count mutating commands here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SimEnv, ensureDir, nodeDir } from "./sim-env";

/** One log line. `exit` is null when the process was about to hang or be killed by an injected fault. */
export interface CommandLogEntry {
  ts: number;
  node: string;
  argv: string[];
  exit: number | null;
  ms: number;
}

/** Appends one entry. */
export function appendCommandLog(env: SimEnv, entry: CommandLogEntry): void {
  const file = path.join(nodeDir(env), "command.log");
  ensureDir(path.dirname(file));
  const fd = fs.openSync(file, "a");
  try {
    fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
  } finally {
    fs.closeSync(fd);
  }
}
