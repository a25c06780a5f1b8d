/**
 * The baseline of the no-op benchmarks: the same resource graph as a real stack — same components, names,
 * parents, dependencies and property sizes — whose dynamic resources do no SSH at all (create returns its
 * inputs, diff says "no change", read returns the stored outputs). Built from an exported deployment, so it
 * mirrors exactly what the real program registered. Its wall time is what the engine alone costs.
 */
import * as pulumi from "@pulumi/pulumi";

/** The part of an exported deployment's resource this mirror uses. */
export interface DeployedResource {
  urn: string;
  type: string;
  custom?: boolean;
  parent?: string;
  dependencies?: string[];
  outputs?: Record<string, unknown>;
}

const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.baselineId), outs: inputs };
  },
  async diff(_id, olds, news) {
    // Pure, like the real providers' diff: only the resource a benchmark preview changes differs.
    return { changes: olds.baselineRev !== news.baselineRev };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

class BaselineResource extends pulumi.dynamic.Resource {
  constructor(name: string, type: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super(noopProvider, name, props, opts, "baseline", type);
  }
}

class BaselineComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/**
 * Registers the mirror of `resources` (in the deployment's order, which is a dependency order). The resource
 * whose URN is `changed` gets a new `baselineRev`: a preview then shows one update, as after a config change.
 */
export function runBaselineProgram(resources: readonly DeployedResource[], changed?: string): void {
  const made = new Map<string, pulumi.Resource>();
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
    const parent = r.parent ? made.get(r.parent) : undefined;
    const dependsOn = (r.dependencies ?? []).map((u) => made.get(u)).filter((x): x is pulumi.Resource => x !== undefined);
    const name = nameOf(r.urn);
    if (r.custom) {
      const { __provider: _omit, ...props } = r.outputs ?? {};
      const type = r.type.slice(r.type.lastIndexOf(":") + 1);
      made.set(r.urn, new BaselineResource(name, type, { ...props, baselineId: name, baselineRev: r.urn === changed ? 1 : 0 }, { parent, dependsOn }));
    } else {
      made.set(r.urn, new BaselineComponent(r.type, name, { parent, dependsOn }));
    }
  }
}
