/**
 * Writes phoenix_lxc_configs.schema.json at the repository root from the zod schema.
 * Run after changing core/config: `npx tsc -p tsconfig.json && node dist/scripts/gen-schema.js`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_SCHEMA_FILE_NAME, renderConfigJsonSchema } from "../core/config/json-schema";

// dist/scripts/gen-schema.js → the repository root is two levels up.
const target = path.resolve(__dirname, "..", "..", CONFIG_SCHEMA_FILE_NAME);
fs.writeFileSync(target, renderConfigJsonSchema());
process.stdout.write(`wrote ${target}\n`);
