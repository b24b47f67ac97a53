import type { AvroSchema } from './avro-container.js';

/**
 * The Avro and Iceberg schemas of manifest lists and manifests, copied from the files Spark
 * 3.5 / Iceberg 1.x writes (`fixtures/spark-peer/gold/.../metadata`), so other engines read
 * ours exactly as they read Spark's. Only the `partition` struct varies, by partition spec.
 */

/** One partition field of a manifest's `data_file.partition` record. */
export interface PartitionFieldSchema {
  readonly name: string;
  readonly fieldId: number;
  /** Avro type of the partition value (e.g. `{ type: 'int', logicalType: 'date' }`). */
  readonly avro: unknown;
  /** Iceberg type name (e.g. `date`). */
  readonly iceberg: string;
}

/** Avro schema of a manifest list (`snap-*.avro`). */
export const MANIFEST_LIST_AVRO_SCHEMA: AvroSchema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    {
      name: 'manifest_path',
      type: 'string',
      doc: 'Location URI with FS scheme',
      'field-id': 500,
    },
    {
      name: 'manifest_length',
      type: 'long',
      doc: 'Total file size in bytes',
      'field-id': 501,
    },
    {
      name: 'partition_spec_id',
      type: 'int',
      doc: 'Spec ID used to write',
      'field-id': 502,
    },
    {
      name: 'content',
      type: 'int',
      doc: 'Contents of the manifest: 0=data, 1=deletes',
      'field-id': 517,
    },
    {
      name: 'sequence_number',
      type: 'long',
      doc: 'Sequence number when the manifest was added',
      'field-id': 515,
    },
    {
      name: 'min_sequence_number',
      type: 'long',
      doc: 'Lowest sequence number in the manifest',
      'field-id': 516,
    },
    {
      name: 'added_snapshot_id',
      type: 'long',
      doc: 'Snapshot ID that added the manifest',
      'field-id': 503,
    },
    {
      name: 'added_data_files_count',
      type: 'int',
      doc: 'Added entry count',
      'field-id': 504,
    },
    {
      name: 'existing_data_files_count',
      type: 'int',
      doc: 'Existing entry count',
      'field-id': 505,
    },
    {
      name: 'deleted_data_files_count',
      type: 'int',
      doc: 'Deleted entry count',
      'field-id': 506,
    },
    {
      name: 'added_rows_count',
      type: 'long',
      doc: 'Added rows count',
      'field-id': 512,
    },
    {
      name: 'existing_rows_count',
      type: 'long',
      doc: 'Existing rows count',
      'field-id': 513,
    },
    {
      name: 'deleted_rows_count',
      type: 'long',
      doc: 'Deleted rows count',
      'field-id': 514,
    },
    {
      name: 'partitions',
      type: [
        'null',
        {
          type: 'array',
          items: {
            type: 'record',
            name: 'r508',
            fields: [
              {
                name: 'contains_null',
                type: 'boolean',
                doc: 'True if any file has a null partition value',
                'field-id': 509,
              },
              {
                name: 'contains_nan',
                type: ['null', 'boolean'],
                doc: 'True if any file has a nan partition value',
                default: null,
                'field-id': 518,
              },
              {
                name: 'lower_bound',
                type: ['null', 'bytes'],
                doc: 'Partition lower bound for all files',
                default: null,
                'field-id': 510,
              },
              {
                name: 'upper_bound',
                type: ['null', 'bytes'],
                doc: 'Partition upper bound for all files',
                default: null,
                'field-id': 511,
              },
            ],
          },
          'element-id': 508,
        },
      ],
      doc: 'Summary for each partition',
      default: null,
      'field-id': 507,
    },
  ],
};

/** The `iceberg.schema` metadata of a manifest list. */
export const MANIFEST_LIST_ICEBERG_SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    {
      id: 500,
      name: 'manifest_path',
      required: true,
      type: 'string',
      doc: 'Location URI with FS scheme',
    },
    {
      id: 501,
      name: 'manifest_length',
      required: true,
      type: 'long',
      doc: 'Total file size in bytes',
    },
    {
      id: 502,
      name: 'partition_spec_id',
      required: true,
      type: 'int',
      doc: 'Spec ID used to write',
    },
    {
      id: 517,
      name: 'content',
      required: true,
      type: 'int',
      doc: 'Contents of the manifest: 0=data, 1=deletes',
    },
    {
      id: 515,
      name: 'sequence_number',
      required: true,
      type: 'long',
      doc: 'Sequence number when the manifest was added',
    },
    {
      id: 516,
      name: 'min_sequence_number',
      required: true,
      type: 'long',
      doc: 'Lowest sequence number in the manifest',
    },
    {
      id: 503,
      name: 'added_snapshot_id',
      required: true,
      type: 'long',
      doc: 'Snapshot ID that added the manifest',
    },
    {
      id: 504,
      name: 'added_data_files_count',
      required: true,
      type: 'int',
      doc: 'Added entry count',
    },
    {
      id: 505,
      name: 'existing_data_files_count',
      required: true,
      type: 'int',
      doc: 'Existing entry count',
    },
    {
      id: 506,
      name: 'deleted_data_files_count',
      required: true,
      type: 'int',
      doc: 'Deleted entry count',
    },
    {
      id: 512,
      name: 'added_rows_count',
      required: true,
      type: 'long',
      doc: 'Added rows count',
    },
    {
      id: 513,
      name: 'existing_rows_count',
      required: true,
      type: 'long',
      doc: 'Existing rows count',
    },
    {
      id: 514,
      name: 'deleted_rows_count',
      required: true,
      type: 'long',
      doc: 'Deleted rows count',
    },
    {
      id: 507,
      name: 'partitions',
      required: false,
      type: {
        type: 'list',
        'element-id': 508,
        element: {
          type: 'struct',
          fields: [
            {
              id: 509,
              name: 'contains_null',
              required: true,
              type: 'boolean',
              doc: 'True if any file has a null partition value',
            },
            {
              id: 518,
              name: 'contains_nan',
              required: false,
              type: 'boolean',
              doc: 'True if any file has a nan partition value',
            },
            {
              id: 510,
              name: 'lower_bound',
              required: false,
              type: 'binary',
              doc: 'Partition lower bound for all files',
            },
            {
              id: 511,
              name: 'upper_bound',
              required: false,
              type: 'binary',
              doc: 'Partition upper bound for all files',
            },
          ],
        },
        'element-required': true,
      },
      doc: 'Summary for each partition',
    },
  ],
};

const ENTRY_AVRO = (partition: AvroSchema) => ({
  type: 'record',
  name: 'manifest_entry',
  fields: [
    {
      name: 'status',
      type: 'int',
      'field-id': 0,
    },
    {
      name: 'snapshot_id',
      type: ['null', 'long'],
      default: null,
      'field-id': 1,
    },
    {
      name: 'sequence_number',
      type: ['null', 'long'],
      default: null,
      'field-id': 3,
    },
    {
      name: 'file_sequence_number',
      type: ['null', 'long'],
      default: null,
      'field-id': 4,
    },
    {
      name: 'data_file',
      type: {
        type: 'record',
        name: 'r2',
        fields: [
          {
            name: 'content',
            type: 'int',
            doc: 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes',
            'field-id': 134,
          },
          {
            name: 'file_path',
            type: 'string',
            doc: 'Location URI with FS scheme',
            'field-id': 100,
          },
          {
            name: 'file_format',
            type: 'string',
            doc: 'File format name: avro, orc, or parquet',
            'field-id': 101,
          },
          {
            name: 'partition',
            type: partition,
            doc: 'Partition data tuple, schema based on the partition spec',
            'field-id': 102,
          },
          {
            name: 'record_count',
            type: 'long',
            doc: 'Number of records in the file',
            'field-id': 103,
          },
          {
            name: 'file_size_in_bytes',
            type: 'long',
            doc: 'Total file size in bytes',
            'field-id': 104,
          },
          {
            name: 'column_sizes',
            type: [
              'null',
              {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'k117_v118',
                  fields: [
                    {
                      name: 'key',
                      type: 'int',
                      'field-id': 117,
                    },
                    {
                      name: 'value',
                      type: 'long',
                      'field-id': 118,
                    },
                  ],
                },
                logicalType: 'map',
              },
            ],
            doc: 'Map of column id to total size on disk',
            default: null,
            'field-id': 108,
          },
          {
            name: 'value_counts',
            type: [
              'null',
              {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'k119_v120',
                  fields: [
                    {
                      name: 'key',
                      type: 'int',
                      'field-id': 119,
                    },
                    {
                      name: 'value',
                      type: 'long',
                      'field-id': 120,
                    },
                  ],
                },
                logicalType: 'map',
              },
            ],
            doc: 'Map of column id to total count, including null and NaN',
            default: null,
            'field-id': 109,
          },
          {
            name: 'null_value_counts',
            type: [
              'null',
              {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'k121_v122',
                  fields: [
                    {
                      name: 'key',
                      type: 'int',
                      'field-id': 121,
                    },
                    {
                      name: 'value',
                      type: 'long',
                      'field-id': 122,
                    },
                  ],
                },
                logicalType: 'map',
              },
            ],
            doc: 'Map of column id to null value count',
            default: null,
            'field-id': 110,
          },
          {
            name: 'nan_value_counts',
            type: [
              'null',
              {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'k138_v139',
                  fields: [
                    {
                      name: 'key',
                      type: 'int',
                      'field-id': 138,
                    },
                    {
                      name: 'value',
                      type: 'long',
                      'field-id': 139,
                    },
                  ],
                },
                logicalType: 'map',
              },
            ],
            doc: 'Map of column id to number of NaN values in the column',
            default: null,
            'field-id': 137,
          },
          {
            name: 'lower_bounds',
            type: [
              'null',
              {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'k126_v127',
                  fields: [
                    {
                      name: 'key',
                      type: 'int',
                      'field-id': 126,
                    },
                    {
                      name: 'value',
                      type: 'bytes',
                      'field-id': 127,
                    },
                  ],
                },
                logicalType: 'map',
              },
            ],
            doc: 'Map of column id to lower bound',
            default: null,
            'field-id': 125,
          },
          {
            name: 'upper_bounds',
            type: [
              'null',
              {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'k129_v130',
                  fields: [
                    {
                      name: 'key',
                      type: 'int',
                      'field-id': 129,
                    },
                    {
                      name: 'value',
                      type: 'bytes',
                      'field-id': 130,
                    },
                  ],
                },
                logicalType: 'map',
              },
            ],
            doc: 'Map of column id to upper bound',
            default: null,
            'field-id': 128,
          },
          {
            name: 'key_metadata',
            type: ['null', 'bytes'],
            doc: 'Encryption key metadata blob',
            default: null,
            'field-id': 131,
          },
          {
            name: 'split_offsets',
            type: [
              'null',
              {
                type: 'array',
                items: 'long',
                'element-id': 133,
              },
            ],
            doc: 'Splittable offsets',
            default: null,
            'field-id': 132,
          },
          {
            name: 'equality_ids',
            type: [
              'null',
              {
                type: 'array',
                items: 'int',
                'element-id': 136,
              },
            ],
            doc: 'Equality comparison field IDs',
            default: null,
            'field-id': 135,
          },
          {
            name: 'sort_order_id',
            type: ['null', 'int'],
            doc: 'Sort order ID',
            default: null,
            'field-id': 140,
          },
        ],
      },
      'field-id': 2,
    },
  ],
});

const ENTRY_ICEBERG = (partition: unknown) => ({
  type: 'struct',
  'schema-id': 0,
  fields: [
    {
      id: 0,
      name: 'status',
      required: true,
      type: 'int',
    },
    {
      id: 1,
      name: 'snapshot_id',
      required: false,
      type: 'long',
    },
    {
      id: 3,
      name: 'sequence_number',
      required: false,
      type: 'long',
    },
    {
      id: 4,
      name: 'file_sequence_number',
      required: false,
      type: 'long',
    },
    {
      id: 2,
      name: 'data_file',
      required: true,
      type: {
        type: 'struct',
        fields: [
          {
            id: 134,
            name: 'content',
            required: true,
            type: 'int',
            doc: 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes',
          },
          {
            id: 100,
            name: 'file_path',
            required: true,
            type: 'string',
            doc: 'Location URI with FS scheme',
          },
          {
            id: 101,
            name: 'file_format',
            required: true,
            type: 'string',
            doc: 'File format name: avro, orc, or parquet',
          },
          {
            id: 102,
            name: 'partition',
            required: true,
            type: partition,
            doc: 'Partition data tuple, schema based on the partition spec',
          },
          {
            id: 103,
            name: 'record_count',
            required: true,
            type: 'long',
            doc: 'Number of records in the file',
          },
          {
            id: 104,
            name: 'file_size_in_bytes',
            required: true,
            type: 'long',
            doc: 'Total file size in bytes',
          },
          {
            id: 108,
            name: 'column_sizes',
            required: false,
            type: {
              type: 'map',
              'key-id': 117,
              key: 'int',
              'value-id': 118,
              value: 'long',
              'value-required': true,
            },
            doc: 'Map of column id to total size on disk',
          },
          {
            id: 109,
            name: 'value_counts',
            required: false,
            type: {
              type: 'map',
              'key-id': 119,
              key: 'int',
              'value-id': 120,
              value: 'long',
              'value-required': true,
            },
            doc: 'Map of column id to total count, including null and NaN',
          },
          {
            id: 110,
            name: 'null_value_counts',
            required: false,
            type: {
              type: 'map',
              'key-id': 121,
              key: 'int',
              'value-id': 122,
              value: 'long',
              'value-required': true,
            },
            doc: 'Map of column id to null value count',
          },
          {
            id: 137,
            name: 'nan_value_counts',
            required: false,
            type: {
              type: 'map',
              'key-id': 138,
              key: 'int',
              'value-id': 139,
              value: 'long',
              'value-required': true,
            },
            doc: 'Map of column id to number of NaN values in the column',
          },
          {
            id: 125,
            name: 'lower_bounds',
            required: false,
            type: {
              type: 'map',
              'key-id': 126,
              key: 'int',
              'value-id': 127,
              value: 'binary',
              'value-required': true,
            },
            doc: 'Map of column id to lower bound',
          },
          {
            id: 128,
            name: 'upper_bounds',
            required: false,
            type: {
              type: 'map',
              'key-id': 129,
              key: 'int',
              'value-id': 130,
              value: 'binary',
              'value-required': true,
            },
            doc: 'Map of column id to upper bound',
          },
          {
            id: 131,
            name: 'key_metadata',
            required: false,
            type: 'binary',
            doc: 'Encryption key metadata blob',
          },
          {
            id: 132,
            name: 'split_offsets',
            required: false,
            type: {
              type: 'list',
              'element-id': 133,
              element: 'long',
              'element-required': true,
            },
            doc: 'Splittable offsets',
          },
          {
            id: 135,
            name: 'equality_ids',
            required: false,
            type: {
              type: 'list',
              'element-id': 136,
              element: 'int',
              'element-required': true,
            },
            doc: 'Equality comparison field IDs',
          },
          {
            id: 140,
            name: 'sort_order_id',
            required: false,
            type: 'int',
            doc: 'Sort order ID',
          },
        ],
      },
    },
  ],
});

/** Avro schema of a manifest whose spec has these partition fields. */
export function manifestEntryAvroSchema(fields: readonly PartitionFieldSchema[]): AvroSchema {
  return ENTRY_AVRO({
    type: 'record',
    name: 'r102',
    fields: fields.map((f) => ({
      name: f.name,
      type: ['null', f.avro],
      default: null,
      'field-id': f.fieldId,
    })),
  });
}

/** The `iceberg.schema` metadata of a manifest whose spec has these partition fields. */
export function manifestEntryIcebergSchema(fields: readonly PartitionFieldSchema[]): unknown {
  return ENTRY_ICEBERG({
    type: 'struct',
    fields: fields.map((f) => ({ id: f.fieldId, name: f.name, required: false, type: f.iceberg })),
  });
}
