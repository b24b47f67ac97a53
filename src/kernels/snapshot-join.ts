import type { Table } from 'apache-arrow';
import { numberView } from '../columns/column-views.js';
import { appendGathered, bucketByGroup, column, groupRows, lookupRows } from './key-columns.js';

/**
 * Adds the user attributes valid at each session (SPEC §5): of the user's versions, the one with
 * the greatest `updated_at` ≤ `session_start_time`, else the earliest version. A version without
 * `updated_at` counts as the earliest possible (it is the user's base row). Unknown users get
 * nulls. Adds `signup_time` (the sign-up instant), `device_type`, `country`.
 */
export function snapshotJoin(sessions: Table, users: Table): Table {
  const grouped = groupRows(users, ['user_id']);
  const { groups, count } = grouped;
  const updated = numberView(column(users, 'updated_at', 'users'));
  const versionTime = (row: number): number => {
    const v = updated[row]!;
    return Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
  };
  // Bucket each user's versions, sorted by updated_at ascending.
  const { offsets, order: versions } = bucketByGroup(groups, count);
  for (let g = 0; g < count; g++) {
    const from = offsets[g]!;
    const slice = Array.from(versions.subarray(from, offsets[g + 1]!)).sort(
      (a, b) => versionTime(a) - versionTime(b) || a - b,
    );
    versions.set(slice, from);
  }

  const userOf = lookupRows(sessions, ['user_id'], grouped);
  const start = numberView(column(sessions, 'session_start_time'));
  const chosen = new Int32Array(sessions.numRows);
  for (let s = 0; s < chosen.length; s++) {
    const g = userOf[s]!;
    if (g < 0) {
      chosen[s] = -1;
      continue;
    }
    const from = offsets[g]!;
    let pick = versions[from]!;
    for (let i = from; i < offsets[g + 1]!; i++) {
      const row = versions[i]!;
      if (versionTime(row) <= start[s]!) pick = row;
      else break;
    }
    chosen[s] = pick;
  }

  return appendGathered(
    sessions,
    users,
    'users',
    [
      ['signup_time', 'signup_date'],
      ['device_type', 'device_type'],
      ['country', 'country'],
    ],
    chosen,
  );
}
