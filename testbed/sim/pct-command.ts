/** The shape every simulated `pct` sub-command implements. */
import { CmdDef, ParsedArgs } from "./cli-args";
import { Ctx } from "./sim-context";

/** One sub-command: its CLI definition and its implementation (returns the exit code). */
export interface PctCommand {
  def: CmdDef;
  /** True when the command calls `faultPoint` itself (mutating commands). */
  midpoint: boolean;
  run(ctx: Ctx, a: ParsedArgs): number;
}
