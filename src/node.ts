/**
 * `goldsmith/node`: the Node.js adapters — input discovery and warehouses on local disk or S3
 * (`inputsAt` / `warehouseAt` pick by the `s3://` prefix; the AWS SDK is loaded only then), and
 * the mock-data generator.
 *
 * @example
 * import { runPipeline } from 'goldsmith';
 * import { discoverInputs, localWarehouse } from 'goldsmith/node';
 * await runPipeline({ inputs: await discoverInputs('./data'), warehouse: localWarehouse('./warehouse') });
 */

export * from './generate/index.js';
export { localFileIO, mappedFileIO } from './iceberg/file-io.js';
export { discoverInputs, localFile } from './io/local-inputs.js';
export { localWarehouse, ROWS_PER_FILE } from './io/local-warehouse.js';
export { inputsAt, type WarehouseAtOptions, warehouseAt } from './io/locations.js';
export {
  defaultS3Client,
  isS3Location,
  listS3Objects,
  MULTIPART_THRESHOLD,
  parseS3Location,
  type S3FileIOOptions,
  type S3Location,
  type S3Object,
  s3FileIO,
} from './io/s3-file-io.js';
export { discoverS3Inputs, s3File } from './io/s3-inputs.js';
