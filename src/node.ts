/**
 * `goldsmith/node`: the Node.js adapters — local input discovery, the local-disk warehouse and
 * the mock-data generator.
 *
 * @example
 * import { runPipeline } from 'goldsmith';
 * import { discoverInputs, localWarehouse } from 'goldsmith/node';
 * await runPipeline({ inputs: await discoverInputs('./data'), warehouse: localWarehouse('./warehouse') });
 */

export * from './generate/index.js';
export { discoverInputs, localFile } from './io/local-inputs.js';
export { localWarehouse, WAREHOUSE_LAYOUT } from './io/local-warehouse.js';
