import type { Command } from 'commander';

/** The program-wide --verbose flag, as seen from any command. */
export function isVerbose(command: Command): boolean {
  return command.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
}

export const TENANT_OPTION: [string, string] = ['--tenant <slug>', 'the tenant, when a name is used in more than one'];
