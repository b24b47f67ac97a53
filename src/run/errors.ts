import type { RunReport } from '../../schemas/run-report.js';

/** Thrown when a data-quality rule fails (SPEC §4). Nothing has been written; `report` says why. */
export class DataQualityError extends Error {
  constructor(readonly report: RunReport) {
    const failed = report.rules.filter((r) => r.outcome !== 'Passed');
    super(
      `data-quality rules failed, nothing was written:\n${failed
        .map(
          (r) => `  ${r.rule} on ${r.dataset}: ${r.outcome}${r.failureReason ? ` — ${r.failureReason}` : ''}`,
        )
        .join('\n')}`,
    );
    this.name = 'DataQualityError';
  }
}

/** Thrown for bad configuration or usage (exit code 2 in the CLI). */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}
