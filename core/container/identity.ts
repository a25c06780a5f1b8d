/**
 * Which container the steps after it (features, application, health checks, final snapshot, retention) belong to.
 *
 * Every container the provider brings into being (create, clone, adoption, a re-create after a create that died
 * half-way, the new container of a replacement) gets a new `instance`; every create or update of it bumps its
 * `generation`. The steps key on both: a new container, or a changed one, runs every step after it again. The
 * generation alone is not enough: a replacement starts counting again, so it would look unchanged.
 */

/** A new instance value: creation time and randomness, unique per container ever made by this tool. */
export function buildInstanceId(now: number, random: number): string {
  return `${now.toString(36)}${Math.floor(random * 36 ** 4).toString(36).padStart(4, "0")}`;
}

/**
 * The value the steps after a container key on. State written before instances existed has none: its key stays
 * the bare generation, so an upgrade alone re-runs nothing.
 */
export function buildStepKey(instance: string | undefined, generation: number): string {
  return instance ? `${instance}:${generation}` : String(generation);
}

/** Who a container's outputs describe: the container made (or adopted) in one create, and how often it was converged. */
export interface ContainerIdentity {
  /** Increases with every create and update. */
  generation: number;
  /** New for every container this tool brings into being (absent in state from before it existed). */
  instance?: string;
}

/**
 * The identity a converge records. Every create and update is a new generation (`next`): preview cannot know in
 * advance what an update will find, so it shows the steps after a changed container as changing, and they must
 * then run. The one exception is a plain start of the same container (`onlyStarted`): it changes nothing in it,
 * the container's diff announced it as stable, so the generation stays and nothing after it runs again.
 */
export function planConvergedIdentity(prior: ContainerIdentity, next: ContainerIdentity, onlyStarted: boolean): ContainerIdentity {
  return onlyStarted && prior.generation > 0 && next.instance === prior.instance ? { ...next, generation: prior.generation } : next;
}
