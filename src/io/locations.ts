import type { SourceName } from '../../schemas/bronze.js';
import type { Warehouse } from '../lakehouse/warehouse.js';
import { icebergWarehouse } from '../lakehouse/warehouse.js';
import type { InputFile } from '../read/index.js';
import { discoverInputs } from './local-inputs.js';
import { localWarehouse, ROWS_PER_FILE } from './local-warehouse.js';
import { isS3Location, type S3FileIOOptions, s3FileIO } from './s3-file-io.js';
import { discoverS3Inputs } from './s3-inputs.js';

/** Options of {@link warehouseAt}. */
export interface WarehouseAtOptions extends S3FileIOOptions {
  /** Rows per Parquet data file (default {@link ROWS_PER_FILE}). */
  readonly rowsPerFile?: number;
}

/**
 * The warehouse at a location: `s3://bucket/prefix` on S3 (through {@link s3FileIO}), anything else
 * a local folder (`localWarehouse`). What `--warehouse` accepts.
 *
 * @example
 * await runPipeline({ inputs, warehouse: warehouseAt('s3://lake/wh') });
 */
export function warehouseAt(location: string, options: WarehouseAtOptions = {}): Warehouse {
  const rowsPerFile = options.rowsPerFile ?? ROWS_PER_FILE;
  if (!isS3Location(location)) return localWarehouse(location, { rowsPerFile });
  const { rowsPerFile: _, ...io } = options;
  return icebergWarehouse(s3FileIO(io), location.replace(/\/+$/, ''), { rowsPerFile });
}

/**
 * The bronze files at a location: `s3://bucket/prefix` listed on S3 ({@link discoverS3Inputs}),
 * anything else a local folder ({@link discoverInputs}); the same layout rules either way. What
 * `--input` accepts.
 *
 * @example
 * const inputs = await inputsAt('s3://landing/in');
 */
export async function inputsAt(
  location: string,
  options: Pick<S3FileIOOptions, 'client'> = {},
): Promise<Record<SourceName, InputFile[]>> {
  return isS3Location(location) ? discoverS3Inputs(location, options) : discoverInputs(location);
}
