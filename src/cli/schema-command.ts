import { z } from 'zod';
import { GoldRow, goldArrowSchema, goldDdl, goldIcebergSchema } from '../../schemas/index.js';
import { parseFlags, UsageError } from './args.js';

export const SCHEMA_HELP = `Usage: goldsmith schema [--format ddl|iceberg|arrow|json-schema]

Prints the gold table's schema, generated from its one definition:
  ddl          Spark SQL / Athena CREATE TABLE (the seed's)
  iceberg      Iceberg schema JSON (field ids as Spark assigns them)
  arrow        Arrow fields and types
  json-schema  JSON Schema of a gold row (from the zod schema)`;

/** `goldsmith schema`. */
export async function schemaCommand(argv: string[]): Promise<number> {
  const v = parseFlags(argv, { format: { type: 'string', default: 'ddl' } });
  if (v.help) {
    console.log(SCHEMA_HELP);
    return 0;
  }
  switch (v.format) {
    case 'ddl':
      console.log(goldDdl);
      break;
    case 'iceberg':
      console.log(JSON.stringify(goldIcebergSchema, null, 2));
      break;
    case 'arrow':
      for (const f of goldArrowSchema.fields)
        console.log(`${f.name}: ${String(f.type)}${f.nullable ? '' : ' not null'}`);
      break;
    case 'json-schema':
      console.log(JSON.stringify(z.toJSONSchema(GoldRow), null, 2));
      break;
    default:
      throw new UsageError(`--format ${v.format}: expected ddl, iceberg, arrow or json-schema`);
  }
  return 0;
}
