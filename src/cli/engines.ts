import { createArrowEngine } from '../../engines/arrow/arrow-engine.js';
import type { Engine } from '../engine/index.js';
import { UsageError } from './args.js';

/** Engines the CLI can create by name. */
export const ENGINE_NAMES = ['arrow'] as const;

/** Creates an engine by its `--engine` name. */
export async function createEngine(name: string): Promise<Engine> {
  switch (name) {
    case 'arrow':
      return createArrowEngine();
    default:
      throw new UsageError(`--engine ${name}: unknown engine; available: ${ENGINE_NAMES.join(', ')}`);
  }
}
