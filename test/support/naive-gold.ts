/**
 * A deliberately naive, obviously-correct model of SPEC §3 and §5 over plain objects (UTC only),
 * used as an oracle in property tests. Slow by design; shares no code with the kernels.
 */
export interface NaiveEvent {
  event_id: string;
  session_id: string;
  user_id: string;
  event_type: string;
  /** Epoch microseconds. */
  ts: number;
}
export interface NaiveTransaction {
  transaction_id: string;
  session_id: string;
  user_id: string;
  /** Hundredths. */
  cents: number;
  currency: string;
  ts: number;
}
export interface NaiveUser {
  user_id: string;
  signup: number;
  device_type: string | null;
  country: string | null;
  updated_at: number | null;
}

const iso = (us: number) => {
  const ms = Math.floor(us / 1000);
  const micros = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}Z`;
};
const day = (us: number) => new Date(Math.floor(us / 86_400_000_000) * 86_400_000).toISOString().slice(0, 10);
const secs = (us: number) => Math.floor(us / 1_000_000);
const money = (cents: number) => {
  const abs = String(Math.abs(cents)).padStart(3, '0');
  return `${cents < 0 ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
};

function latest<T>(rows: T[], key: (r: T) => string, ts: (r: T) => number): T[] {
  const best = new Map<string, T>();
  for (const r of rows) {
    const prev = best.get(key(r));
    if (prev === undefined || ts(r) >= ts(prev)) best.set(key(r), r);
  }
  return [...best.values()];
}

/** Gold rows (without processing_timestamp) for valid records given in input order. */
export function naiveGold(events: NaiveEvent[], transactions: NaiveTransaction[], users: NaiveUser[]) {
  const silverEvents = latest(
    events,
    (e) => e.event_id,
    (e) => e.ts,
  );
  const silverTxns = latest(
    transactions,
    (t) => t.transaction_id,
    (t) => t.ts,
  );
  const versions = new Map<string, NaiveUser>();
  for (const u of users) versions.set(`${u.user_id}|${u.updated_at}`, u);

  const sessions = new Map<string, NaiveEvent[]>();
  for (const e of silverEvents) {
    const k = `${e.session_id}|${e.user_id}`;
    sessions.set(k, [...(sessions.get(k) ?? []), e]);
  }
  return [...sessions.values()].map((list) => {
    const sorted = [...list].sort(
      (a, b) => a.ts - b.ts || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0),
    );
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const start = first.ts;
    const txn = silverTxns
      .filter((t) => t.session_id === first.session_id && t.user_id === first.user_id)
      .sort((a, b) => a.ts - b.ts || (a.transaction_id < b.transaction_id ? -1 : 1))[0];
    const userVersions = [...versions.values()]
      .filter((u) => u.user_id === first.user_id)
      .sort((a, b) => (a.updated_at ?? -Infinity) - (b.updated_at ?? -Infinity));
    const valid = userVersions.filter((u) => (u.updated_at ?? -Infinity) <= start);
    const user = valid.length > 0 ? valid[valid.length - 1] : userVersions[0];
    return {
      user_id: first.user_id,
      session_id: first.session_id,
      signup_date: user ? day(user.signup) : null,
      device_type: user ? user.device_type : null,
      country: user ? user.country : null,
      session_start_time: iso(start),
      session_end_time: iso(last.ts),
      session_duration_seconds: secs(last.ts) - secs(start),
      session_date: day(start),
      total_events: sorted.length,
      event_types: sorted.map((e) => e.event_type),
      first_event_type: first.event_type,
      last_event_type: last.event_type,
      transaction_id: txn ? txn.transaction_id : null,
      transaction_amount: txn ? money(txn.cents) : null,
      transaction_currency: txn ? txn.currency : null,
      transaction_timestamp: txn ? iso(txn.ts) : null,
      has_transaction: txn !== undefined,
      time_to_purchase_seconds: txn ? secs(txn.ts) - secs(start) : null,
      data_version: 1,
      source_system: 'digital-services',
    };
  });
}

/** Naive wall-clock text of an epoch-microsecond instant (UTC), the way bronze files carry it. */
export function naiveText(us: number, separator: 'T' | ' ' = 'T'): string {
  return iso(us).slice(0, -1).replace('T', separator);
}
