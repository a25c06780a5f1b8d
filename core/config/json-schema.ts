/**
 * The JSON Schema of the configuration file, generated from the zod schema so editors validate and complete
 * with the same rules and the same documentation as the loader. The committed
 * `phoenix_lxc_configs.schema.json` is this output; a unit test fails when it is stale.
 */
import { z } from "zod";
import { buildConfigSchema } from "./schema-root";

/** Name of the generated file at the repository root. */
export const CONFIG_SCHEMA_FILE_NAME = "phoenix_lxc_configs.schema.json";

/** The JSON Schema (draft 2020-12) describing what a user writes (defaults are optional there). */
export function buildConfigJsonSchema(): Record<string, unknown> {
  const json = z.toJSONSchema(buildConfigSchema(), {
    target: "draft-2020-12",
    io: "input",
    override: ({ jsonSchema }) => {
      // zod bounds integers by the safe-integer range; that is noise in an editor tooltip.
      const s = jsonSchema as Record<string, unknown>;
      if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
      if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { $schema, title: "Phoenix LXC configuration (phoenix_lxc_configs.json)", ...rest };
}

/** The file content: pretty-printed with two spaces and a final newline, so regeneration is byte-stable. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}
