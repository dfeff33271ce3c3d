/** The command table. Add a command: write main/cli/<name>.ts exporting a CliCommand, list it here. */
import type { CliCommand } from './command';
import { applyCommand } from './apply';
import { breakpointsCommand } from './breakpoints';
import { demoUpstreamCommand } from './demo-upstream';
import { diffCommand } from './diff';
import { exportCommand } from './export';
import { gatewayCommand } from './gateway';
import { importCommand } from './import';
import { policyCommand } from './policy';
import { serveCommand } from './serve';
import { tokenCommand } from './token';
import { validateCommand } from './validate';

export const commands: CliCommand[] = [serveCommand, gatewayCommand, validateCommand, exportCommand, importCommand, diffCommand, applyCommand, tokenCommand, breakpointsCommand, demoUpstreamCommand, policyCommand];
