import { SOURCES } from '../../schemas/bronze.js';
import type { RunReport } from '../../schemas/run-report.js';

/** A plain-text summary of a run report for the terminal. */
export function formatSummary(report: RunReport, warehouse?: string): string {
  const lines: string[] = [];
  lines.push(`run ${report.run_id} (${report.engine}, time zone ${report.time_zone}): ${report.status}`);
  lines.push('');
  lines.push('source         read      valid  quarantined   distinct  duplicates');
  for (const s of SOURCES) {
    const c = report.sources[s];
    lines.push(
      `${s.padEnd(12)}${String(c.read).padStart(7)}${String(c.valid).padStart(11)}${String(c.quarantined).padStart(13)}${String(c.distinct).padStart(11)}${String(c.duplicates).padStart(12)}`,
    );
  }
  lines.push('');
  lines.push(`gold sessions: ${report.gold.sessions} (${report.gold.with_transaction} with a transaction)`);
  lines.push(`orphan transactions: ${report.orphan_transactions}`);
  lines.push(
    `corrupt share: ${(report.corrupt_share * 100).toFixed(3)}% (threshold ${(report.corrupt_threshold * 100).toFixed(2)}%)${report.alarm ? '  ALARM raised' : ''}`,
  );
  const failed = report.rules.filter((r) => r.outcome !== 'Passed');
  lines.push(`data-quality rules: ${report.rules.length - failed.length}/${report.rules.length} passed`);
  for (const r of failed)
    lines.push(
      `  ${r.outcome.toUpperCase()} ${r.rule} on ${r.dataset}${r.failureReason ? `: ${r.failureReason}` : ''}`,
    );
  const merge = report.merge;
  if (merge) {
    const silver = SOURCES.map((source) => {
      const c = merge.silver[source];
      return `${source} +${c.inserted} ~${c.updated}`;
    }).join(', ');
    lines.push(
      `warehouse: ${merge.mode}, ${merge.skipped_files} input file(s) already ingested; silver ${silver} (+inserted ~updated)`,
    );
    if (merge.gold)
      lines.push(
        `gold merge: ${merge.recomputed} sessions recomputed (lookback ${merge.lookback}): +${merge.gold.inserted} inserted, ~${merge.gold.updated} updated, -${merge.gold.deleted} deleted; ${merge.gold.total} rows in the table`,
      );
  }
  const total = report.timings.reduce((sum, t) => sum + t.ms, 0);
  lines.push(`time: ${(total / 1000).toFixed(2)} s in ${report.timings.length} steps`);
  if (warehouse) {
    lines.push('');
    lines.push(
      `written to ${warehouse}: Iceberg tables silver/{events,transactions,users} and gold/user_session_analysis, quarantine/, _runs/${report.run_id}.json`,
    );
  }
  return lines.join('\n');
}
