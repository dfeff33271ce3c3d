/** The command table. Add a command: write main/cli/<name>.ts exporting a CliCommand, list it here. */
import type { CliCommand } from './command';
import { demoUpstreamCommand } from './demo-upstream';
import { gatewayCommand } from './gateway';
import { serveCommand } from './serve';
import { validateCommand } from './validate';

export const commands: CliCommand[] = [serveCommand, gatewayCommand, validateCommand, demoUpstreamCommand];
