import type { GlueClient } from '@aws-sdk/client-glue';

/** Where a table is registered in the Glue Data Catalog. */
export interface GlueTableRef {
  readonly client: GlueClient;
  readonly database: string;
  readonly table: string;
}

const versionOf = (location: string | undefined): number => {
  const match = location ? /\/v(\d+)\.metadata\.json$/.exec(location) : null;
  return match ? Number(match[1]) : -1;
};

/**
 * Points a Glue Iceberg table at a new metadata file, as Iceberg's GlueCatalog does after a
 * commit: `Parameters.metadata_location` = the new `v<N>.metadata.json`,
 * `previous_metadata_location` = the old one, `table_type` = `ICEBERG` — so Athena reads the
 * snapshot goldsmith just committed. A pointer is never moved to an older version (two runs
 * finishing out of order). Returns true when it moved the pointer.
 *
 * @example
 * await pointGlueTable({ client: new GlueClient({}), database: 'lake_gold', table: 'user_session_analysis' }, 's3://lake/wh/gold/user_session_analysis/metadata/v7.metadata.json');
 */
export async function pointGlueTable(ref: GlueTableRef, metadataLocation: string): Promise<boolean> {
  const { GetTableCommand, UpdateTableCommand } = await import('@aws-sdk/client-glue');
  const { Table } = await ref.client.send(
    new GetTableCommand({ DatabaseName: ref.database, Name: ref.table }),
  );
  if (!Table) throw new Error(`Glue table ${ref.database}.${ref.table} not found`);
  const previous = Table.Parameters?.metadata_location;
  if (previous === metadataLocation || versionOf(previous) >= versionOf(metadataLocation)) return false;
  await ref.client.send(
    new UpdateTableCommand({
      DatabaseName: ref.database,
      TableInput: {
        Name: ref.table,
        TableType: Table.TableType ?? 'EXTERNAL_TABLE',
        ...(Table.StorageDescriptor ? { StorageDescriptor: Table.StorageDescriptor } : {}),
        ...(Table.Description ? { Description: Table.Description } : {}),
        Parameters: {
          ...Table.Parameters,
          table_type: 'ICEBERG',
          metadata_location: metadataLocation,
          ...(previous ? { previous_metadata_location: previous } : {}),
        },
      },
    }),
  );
  return true;
}
