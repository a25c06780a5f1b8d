/**
 * The Pulumi program of this project: `pulumi up` converges every container of the configured
 * phoenix_lxc_configs.json. Stack config: see README ("Stack configuration").
 */
import { phoenixProgram } from "./components/stack-program";

export = phoenixProgram();
