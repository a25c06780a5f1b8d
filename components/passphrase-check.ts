/**
 * The empty passphrase under `pulumi up`: the Pulumi CLI takes the passphrase as it finds it, so a stack with real
 * nodes would run with its SSH key protected by nothing. `phoenix` refuses that before the engine starts; the
 * program refuses it here, with the same text (core/passphrase-policy.ts), before it registers any resource, so no
 * node is contacted.
 */
import { PhoenixError } from "../core/errors";
import { NodeAddress, planPassphrase } from "../core/passphrase-policy";
import { simRootOf } from "../core/sim-layout";
import { readPassphraseState, readSimNodes, readStackSecretsSettings } from "../host/passphrase-facts";

/**
 * Throws the refusal (code `environment`) when the engine runs `stack` with the empty passphrase, the stack file
 * is encrypted by the passphrase, and a node is not a simulated node `phoenix sim start` made for `projectRoot`.
 * An unset passphrase is left to the Pulumi CLI: it asked at its prompt, or the stack does not use one.
 */
export function refuseEmptyPassphrase(projectRoot: string, stack: string, nodes: Record<string, NodeAddress>, env: NodeJS.ProcessEnv = process.env): void {
  const passphrase = readPassphraseState(env);
  if (passphrase !== "empty") return;
  const decision = planPassphrase({
    stackName: stack,
    projectDir: projectRoot,
    passphrase,
    ...readStackSecretsSettings(projectRoot, stack),
    backendUrl: env.PULUMI_BACKEND_URL ?? "",
    nodes,
    simNodes: readSimNodes(simRootOf(projectRoot)),
    simStart: false,
    stackRunning: true,
  });
  if (decision.kind === "refuse") throw new PhoenixError("environment", decision.message);
}
