import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** `../shared` beside the repository: SPEC, seed and the Spark-peer fixture. */
export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
/** The Spark + Iceberg peer run (SPEC §7). */
export const SPARK_PEER = `${SHARED}fixtures/spark-peer/`;
