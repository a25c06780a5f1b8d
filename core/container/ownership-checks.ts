/**
 * Whose container a VMID is: a create adopts an existing container only when it carries this stack's marker or the
 * config says `adopt`, and a destroy never removes one another stack manages. Pure: the caller has read the
 * container's description; each check throws the error that names the owner and the way out.
 */
import { PhoenixError } from "../errors";
import { findOwner, hasOwnershipMarker } from "./desired-options";
import type { ContainerInputs } from "./inputs";

/** Refuses to adopt an existing container that is neither this stack's nor marked for adoption in the config. */
export function checkAdoptable(inputs: Pick<ContainerInputs, "vmid" | "node" | "owner" | "adopt">, description: string | undefined): void {
  if (hasOwnershipMarker(description, inputs.owner) || inputs.adopt) return;
  const owner = findOwner(description);
  throw new PhoenixError(
    "ownership-conflict",
    `CT ${inputs.vmid} already exists on node '${inputs.node}' and is ${owner ? `managed by '${owner}'` : "not managed by phoenix-lxc"}`,
    {
      hint: owner
        ? `choose another ctid, or destroy it from the stack '${owner}'`
        : `to take it over, set "adopt": true on container ${inputs.vmid} in the config and run the up again: its settings are then converged to the config and it carries this stack's marker from then on`,
    },
  );
}

/** Refuses to destroy a container whose description names another stack as its owner (an unmarked one is ours to remove). */
export function checkDestroyable(props: Pick<ContainerInputs, "vmid" | "node" | "owner">, description: string | undefined): void {
  const owner = findOwner(description);
  if (owner === undefined || owner === props.owner) return;
  throw new PhoenixError("ownership-conflict", `CT ${props.vmid} on ${props.node} is now managed by '${owner}', not '${props.owner}'; not destroying it`, {
    hint: `remove it from this stack's state instead: pulumi state delete <urn>`,
  });
}
