/**
 * The Pulumi program of this project: `pulumi up` converges every container of the configured
 * phoenix_lxc_configs.json. Stack config: see README ("Stack configuration").
 */
import * as pulumi from "@pulumi/pulumi";
import { refuseEmptyPassphrase } from "./components/passphrase-check";
import { phoenixProgram, programProjectRoot, readProgramSettings } from "./components/stack-program";

const settings = readProgramSettings();
const projectRoot = programProjectRoot();
// `phoenix` makes this check before the engine starts; under the Pulumi CLI the program is the first place to.
refuseEmptyPassphrase(projectRoot, pulumi.getStack(), settings.nodes);

export = phoenixProgram(settings, projectRoot);
