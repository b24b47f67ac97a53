import { ConfigurationError, DataQualityError } from '../run/errors.js';
import { UsageError } from './args.js';
import { demoCommand } from './demo-command.js';
import { generateFromArgs } from './generate-command.js';
import { expireSnapshotsCommand, removeOrphansCommand } from './maintenance-commands.js';
import { planCommand } from './plan-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { formatSummary } from './summary.js';
import { compactCommand, exportCommand, rollbackCommand, snapshotsCommand } from './table-commands.js';

const HELP = `goldsmith — bronze → silver → gold without Spark

Usage: goldsmith <command> [options]

Commands:
  run        run the pipeline over an input folder into a warehouse folder
  generate   write mock bronze data (the seed's generator, plus corrupt lines and retries)
  demo       generate sample data and run the whole pipeline on it
  plan       print the pipeline plan (JSON)
  schema     print the gold schema as DDL, Iceberg JSON, Arrow or JSON Schema
  snapshots  list a table's Iceberg snapshots
  rollback   make an earlier snapshot of a table current again
  export     write a table (now, at a snapshot or as of a time) as Parquet, CSV or JSON Lines
  compact    fold merge-on-read delete files back into data files
  expire-snapshots  drop old snapshots and the files only they reached
  remove-orphans    delete files no table metadata references (debris of killed runs)

Run 'goldsmith <command> --help' for a command's options.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  generate: async (argv) => {
    await generateFromArgs(argv);
    return 0;
  },
  demo: demoCommand,
  plan: planCommand,
  schema: schemaCommand,
  snapshots: snapshotsCommand,
  rollback: rollbackCommand,
  export: exportCommand,
  compact: compactCommand,
  'expire-snapshots': expireSnapshotsCommand,
  'remove-orphans': removeOrphansCommand,
};

/** Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 usage, 3 data-quality failure. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command === undefined ? 2 : 0;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`unknown command "${command}"`);
    return await handler(rest);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigurationError) {
      console.error(`goldsmith: ${error.message}\n(see goldsmith ${handler ? `${command} ` : ''}--help)`);
      return 2;
    }
    if (error instanceof DataQualityError) {
      console.error(formatSummary(error.report));
      console.error(`\ngoldsmith: ${error.message}`);
      return 3;
    }
    console.error(`goldsmith: ${(error as Error).message ?? String(error)}`);
    if (process.env.GOLDSMITH_DEBUG) console.error(error);
    return 1;
  }
}
