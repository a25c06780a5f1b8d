/**
 * What the passphrase policy (core/passphrase-policy.ts) needs to know of this machine: the passphrase the engine
 * sees, the simulated nodes `phoenix sim start` made for the project, and how the stack file protects its secrets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { NodeAddress, PassphraseFacts } from "../core/passphrase-policy";
import { buildFingerprint } from "../core/ssh-fingerprint";
import { simHostKeyPath, simNodesRecordPath } from "../core/sim-layout";

/** The passphrase as the engine would see it (PULUMI_CONFIG_PASSPHRASE first, as Pulumi reads them). */
export function readPassphraseState(env: Record<string, string | undefined>): PassphraseFacts["passphrase"] {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE === "" ? "empty" : "set";
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file === undefined) return "unset";
  try {
    return fs.readFileSync(file, "utf8").trim() === "" ? "empty" : "set";
  } catch {
    return "set"; // unreadable: the engine reports it with its own message
  }
}

/** The simulated nodes of a project, each with the fingerprint of the host key sim start generated for it. */
export function readSimNodes(simRoot: string): (NodeAddress & { name: string })[] {
  let recorded: { nodes?: { name: string; host: string; port: number }[] };
  try {
    recorded = JSON.parse(fs.readFileSync(simNodesRecordPath(simRoot), "utf8"));
  } catch {
    return [];
  }
  const out: (NodeAddress & { name: string })[] = [];
  for (const n of recorded.nodes ?? []) {
    try {
      const [, b64] = fs.readFileSync(`${simHostKeyPath(simRoot, n.name)}.pub`, "utf8").trim().split(/\s+/);
      if (b64) out.push({ name: n.name, host: n.host, port: n.port, hostKeyFingerprint: buildFingerprint(Buffer.from(b64, "base64")) });
    } catch {
      // no key file: not a node sim start made here
    }
  }
  return out;
}

/**
 * How `Pulumi.<stack>.yaml` protects its secrets: its top-level `secretsprovider:` and whether it holds an
 * `encryptionsalt:` (the passphrase provider's). Pulumi writes both as plain top-level scalars, so two line matches
 * read them without a YAML parser. A missing file reads as neither.
 */
export function readStackSecretsSettings(projectDir: string, stack: string): { secretsProvider?: string; hasEncryptionSalt: boolean } {
  let text: string;
  try {
    text = fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8");
  } catch {
    return { hasEncryptionSalt: false };
  }
  const provider = /^secretsprovider:[ \t]*(.*?)[ \t]*$/m.exec(text)?.[1]?.replace(/^(["'])(.*)\1$/, "$2");
  return { secretsProvider: provider || undefined, hasEncryptionSalt: /^encryptionsalt:[ \t]*\S/m.test(text) };
}
