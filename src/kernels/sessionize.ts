import {
  Field,
  Int32,
  List,
  makeData,
  makeVector,
  Schema,
  type Table,
  TimestampMicrosecond,
  Utf8,
} from 'apache-arrow';
import { LIST_ELEMENT_NAME } from '../../schemas/derive-arrow.js';
import { numberView, stringView } from '../columns/column-views.js';
import { numbersToArrow } from '../columns/numeric-builder.js';
import { takeStrings, takeVector, withSchema } from '../columns/take.js';
import { bucketByGroup, column, compareBytes, groupRows } from './key-columns.js';

/** Columns of the `sessions` relation {@link sessionize} produces. */
export const sessionsSchema = new Schema([
  new Field('user_id', new Utf8(), false),
  new Field('session_id', new Utf8(), false),
  new Field('session_start_time', new TimestampMicrosecond('UTC'), false),
  new Field('session_end_time', new TimestampMicrosecond('UTC'), false),
  new Field('total_events', new Int32(), false),
  new Field('event_types', new List(new Field(LIST_ELEMENT_NAME, new Utf8(), false)), false),
  new Field('first_event_type', new Utf8(), false),
  new Field('last_event_type', new Utf8(), false),
]);

/**
 * Groups silver events by `(session_id, user_id)` (SPEC §5): start/end = min/max
 * `event_timestamp`, `total_events`, and `event_types` ordered by (`event_timestamp`,
 * `event_id`) with repeats kept. Sessions come out in first-seen order.
 *
 * Rows are bucketed by group with a counting sort (O(n)); each bucket (a handful of events) is
 * then insertion-sorted, so no global comparison sort runs over millions of rows.
 */
export function sessionize(events: Table): Table {
  return sessionizeRows(events).sessions;
}

/**
 * {@link sessionize}, also returning each session's first-seen event row (row `firstSeen[i]` of
 * `events` opened session `i`): a partitioned engine carries its rows' arrival order by it.
 */
export function sessionizeRows(events: Table): { sessions: Table; firstSeen: Int32Array } {
  const { groups, count } = groupRows(events, ['session_id', 'user_id']);
  const ts = numberView(column(events, 'event_timestamp'));
  const ids = stringView(column(events, 'event_id'));

  const { offsets, order: sorted } = bucketByGroup(groups, count);
  // First-seen row of each group (the first row in its bucket, as buckets keep input order).
  const firstSeen = new Int32Array(count);
  for (let g = 0; g < count; g++) firstSeen[g] = sorted[offsets[g]!]!;

  const before = (a: number, b: number): boolean => {
    const ta = ts[a]!;
    const tb = ts[b]!;
    if (ta !== tb) return ta < tb;
    return compareBytes(ids.bytes, ids.starts[a]!, ids.ends[a]!, ids.bytes, ids.starts[b]!, ids.ends[b]!) < 0;
  };
  const start = new Float64Array(count);
  const end = new Float64Array(count);
  const total = new Float64Array(count);
  const firstRow = new Int32Array(count);
  const lastRow = new Int32Array(count);
  for (let g = 0; g < count; g++) {
    const from = offsets[g]!;
    const to = offsets[g + 1]!;
    for (let i = from + 1; i < to; i++) {
      const row = sorted[i]!;
      let j = i - 1;
      while (j >= from && before(row, sorted[j]!)) {
        sorted[j + 1] = sorted[j]!;
        j--;
      }
      sorted[j + 1] = row;
    }
    firstRow[g] = sorted[from]!;
    lastRow[g] = sorted[to - 1]!;
    start[g] = ts[sorted[from]!]!;
    end[g] = ts[sorted[to - 1]!]!;
    total[g] = to - from;
  }

  const types = stringView(column(events, 'event_type'));
  const eventTypes = makeData({
    type: sessionsSchema.fields[5]!.type as List<Utf8>,
    length: count,
    nullCount: 0,
    valueOffsets: offsets,
    child: takeStrings(types, sorted),
  });
  const sessions = withSchema(
    {
      user_id: makeVector(takeVector(column(events, 'user_id'), firstSeen)),
      session_id: makeVector(takeVector(column(events, 'session_id'), firstSeen)),
      session_start_time: makeVector(numbersToArrow('timestamp', start, undefined, 0)),
      session_end_time: makeVector(numbersToArrow('timestamp', end, undefined, 0)),
      total_events: makeVector(numbersToArrow('int32', total, undefined, 0)),
      event_types: makeVector(eventTypes),
      first_event_type: makeVector(takeStrings(types, firstRow)),
      last_event_type: makeVector(takeStrings(types, lastRow)),
    },
    sessionsSchema,
  );
  return { sessions, firstSeen };
}
