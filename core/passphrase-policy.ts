/**
 * When the empty passphrase may protect a stack's secrets: the passphrase secrets provider encrypts the SSH key in
 * `Pulumi.<stack>.yaml` (the file GitOps commits), and with the empty passphrase anyone holding that file holds
 * the key. It is accepted only for `phoenix sim start` itself and for stacks whose every node is a simulated node
 * that sim start made on this machine: the node's pinned host key must be the one sim start generated (a real
 * node cannot present it, and copying a flag does not make it). Pure: the facts are read by
 * host/passphrase-facts.ts; `phoenix` (cli/passphrase-policy.ts) and the program under `pulumi up`
 * (components/passphrase-check.ts) both decide here, so both refuse with the same text.
 */
/** A node as the stack config or the simulator's record names it. */
export interface NodeAddress {
  host?: string;
  port?: number | string;
  hostKeyFingerprint?: string;
}

/** What decides whether the empty passphrase may be used. */
export interface PassphraseFacts {
  stackName: string;
  projectDir: string;
  /** `set`: a non-empty passphrase reaches the engine; `empty`: set to ""; `unset`: neither variable. */
  passphrase: "set" | "empty" | "unset";
  /** `secretsprovider:` of the stack file, if any. */
  secretsProvider?: string;
  /** The stack file already holds an `encryptionsalt` (the stack exists under some passphrase). */
  hasEncryptionSalt: boolean;
  /** The engine's PULUMI_BACKEND_URL. */
  backendUrl: string;
  /** The stack config's nodes. */
  nodes: Record<string, NodeAddress>;
  /** Simulated nodes of this project, their fingerprints computed from the host keys sim start generated. */
  simNodes: (NodeAddress & { name: string })[];
  /** The command is `phoenix sim start` (which writes a simulated stack). */
  simStart: boolean;
  /**
   * The engine already runs on this stack (the program under `pulumi up`). A stack file that then holds neither a
   * salt nor a provider belongs to a backend that keeps the key itself, so the passphrase protects nothing there.
   */
  stackRunning?: boolean;
}

/** Keep the environment, use the empty passphrase, or refuse (with the message and the commands to run). */
export type PassphraseDecision = { kind: "keep" } | { kind: "empty-for-sim" } | { kind: "refuse"; message: string };

const sameNode = (a: NodeAddress, b: NodeAddress) =>
  a.host === b.host && Number(a.port ?? 22) === Number(b.port ?? 22) && a.hostKeyFingerprint !== undefined && a.hostKeyFingerprint === b.hostKeyFingerprint;

/** Nodes of the stack that are not simulated nodes of this project (by address and generated host key). */
export function findNonSimNodes(facts: Pick<PassphraseFacts, "nodes" | "simNodes">): string[] {
  return Object.entries(facts.nodes).filter(([, n]) => !facts.simNodes.some((s) => sameNode(n, s))).map(([name]) => name);
}

/** Pure: the decision for one command. */
export function planPassphrase(facts: PassphraseFacts): PassphraseDecision {
  if (facts.passphrase === "set") return { kind: "keep" };
  if (facts.secretsProvider !== undefined && facts.secretsProvider !== "" && !facts.secretsProvider.startsWith("passphrase")) return { kind: "keep" };
  // Pulumi Cloud keeps the key itself when the stack file names no provider and holds no salt.
  if ((facts.stackRunning || /^https?:\/\//.test(facts.backendUrl)) && facts.secretsProvider === undefined && !facts.hasEncryptionSalt) return { kind: "keep" };
  if (facts.simStart) return { kind: "empty-for-sim" };
  const names = Object.keys(facts.nodes);
  const outside = findNonSimNodes(facts);
  if (names.length > 0 && outside.length === 0) return { kind: "empty-for-sim" };
  return { kind: "refuse", message: formatRefusal(facts, names.length === 0 ? [] : outside) };
}

function formatRefusal(facts: PassphraseFacts, outside: string[]): string {
  const s = facts.stackName;
  const which = facts.passphrase === "empty" ? "the passphrase is empty" : "PULUMI_CONFIG_PASSPHRASE and PULUMI_CONFIG_PASSPHRASE_FILE are not set";
  const nodes = outside.length
    ? `its nodes are not simulated nodes that 'phoenix sim start' made (${outside.map((n) => `${n} at ${facts.nodes[n]!.host ?? "?"}:${facts.nodes[n]!.port ?? 22}`).join(", ")})`
    : "it has no simulated nodes that 'phoenix sim start' made";
  const file = `~/.phoenix-${s.replace(/[^A-Za-z0-9_.-]/g, "_")}.passphrase`;
  const lines = [
    `stack '${s}' has no passphrase (${which}) and ${nodes}: the SSH key in Pulumi.${s}.yaml would be protected by nothing`,
    "next step: keep a passphrase in a file and point the engine at it, then run the command again:",
    `  umask 077; head -c 32 /dev/urandom | base64 > ${file}`,
    `  export PULUMI_CONFIG_PASSPHRASE_FILE=${file}`,
  ];
  // The pulumi CLI needs phoenix's default backend spelled out.
  const backend = facts.backendUrl.startsWith("file://") ? `PULUMI_BACKEND_URL=${facts.backendUrl} ` : "";
  const cwd = `--cwd ${facts.projectDir}`;
  if (facts.hasEncryptionSalt) {
    lines.push(
      "  if the stack was created with the empty passphrase, first re-encrypt it with a new one (typed at the prompt):",
      `  ${backend}PULUMI_CONFIG_PASSPHRASE= pulumi stack change-secrets-provider ${cwd} --stack ${s} passphrase`,
      `  or use a key service instead: ${backend}PULUMI_CONFIG_PASSPHRASE= pulumi stack change-secrets-provider ${cwd} --stack ${s} awskms://alias/<key> (or azurekeyvault://, gcpkms://, hashivault://)`,
    );
  } else {
    lines.push(`  or create the stack with a key service instead: ${backend}pulumi stack init ${cwd} ${s} --secrets-provider awskms://alias/<key> (or azurekeyvault://, gcpkms://, hashivault://)`);
  }
  return lines.join("\n");
}
