/**
 * JSON text → value, with errors a person can find: line and column of a syntax error (from the
 * "at position N" of Node's JSON.parse message), and duplicate keys, which JSON.parse silently resolves to the
 * last one (a container ID defined twice would otherwise lose the first definition without a word).
 */
import { ConfigError, type ConfigIssue } from "../errors";

/** A syntax error in the configuration text: code `input` (the CLI exits 2). */
export class ConfigSyntaxError extends ConfigError {
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column of the error. */
  readonly column: number;

  constructor(file: string | undefined, line: number, column: number, reason: string) {
    super([{ path: `${file ?? "input"}:${line}:${column}`, message: `invalid JSON: ${reason}`, severity: "error" }], file, {
      hint: "fix the JSON syntax at that line and column",
      code: "input",
    });
    this.line = line;
    this.column = column;
  }
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Parses JSON text; throws {@link ConfigSyntaxError} with line:column on a syntax error. */
export function parseJsonText(text: string, file?: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors on Windows write a BOM
  try {
    return JSON.parse(body);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const match = /at position (\d+)/.exec(message);
    const offset = match ? Number(match[1]) : body.length; // "Unexpected end of JSON input" has no position
    const { line, column } = lineColumnAt(body, offset);
    const reason = message.replace(/\s*in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, "");
    throw new ConfigSyntaxError(file, line, column, reason);
  }
}

/**
 * Keys that appear twice in the same object, as warnings-free errors with their JSON path. Scans the text once;
 * assumes it already parsed (so the grammar is known to be valid).
 */
export function findDuplicateKeys(text: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  type Frame = { kind: "object"; keys: Set<string>; key?: string } | { kind: "array"; index: number };
  const stack: Frame[] = [];
  const pathOf = () =>
    stack
      .map((f) => (f.kind === "object" ? f.key : String(f.index)))
      .filter((k): k is string => k !== undefined)
      .join(".");
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === "object") {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          const { line } = lineColumnAt(text, i);
          const parent = pathOf().split(".").slice(0, -1).concat(key).filter(Boolean).join(".");
          issues.push({ path: parent || key, message: `key "${key}" appears more than once in this object (line ${line}); JSON keeps only the last`, severity: "error", kind: "duplicate-key" });
        }
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (ch === "{") {
      stack.push({ kind: "object", keys: new Set() });
      expectKey = true;
    } else if (ch === "[") {
      stack.push({ kind: "array", index: 0 });
    } else if (ch === "}" || ch === "]") {
      stack.pop();
    } else if (ch === ",") {
      const top = stack[stack.length - 1];
      if (top?.kind === "object") expectKey = true;
      else if (top?.kind === "array") top.index++;
    }
  }
  return issues;
}
