import { asciiBytes, decimalDigits, putBytes, putPadded, putTwoDigits, putUint } from './ascii-bytes.js';
import type { Sfc32 } from './prng.js';
import type { WallClockFormatter } from './wall-clock.js';

/**
 * Event types the seed's generator emits, drawn uniformly. `purchase` (in the
 * DQ rule's allowed list) is added now and then on top, see {@link PURCHASE_RATE}.
 */
export const EVENT_TYPES = [
  'page_view',
  'click',
  'scroll',
  'login',
  'logout',
  'add_to_cart',
  'checkout',
  'search',
  'signup',
] as const;

/** An event type the generator writes. */
export type GeneratedEventType = (typeof EVENT_TYPES)[number] | 'purchase';

/** Share of events of type `purchase`. */
export const PURCHASE_RATE = 0.01;
/** Share of events whose `event_details` is `null`. */
export const NULL_DETAILS_RATE = 0.03;

const ALL_TYPES: readonly GeneratedEventType[] = [...EVENT_TYPES, 'purchase'];
const PURCHASE = ALL_TYPES.length - 1;
const PAGE_VIEW = ALL_TYPES.indexOf('page_view');
const CLICK = ALL_TYPES.indexOf('click');
const SEARCH = ALL_TYPES.indexOf('search');
const ADD_TO_CART = ALL_TYPES.indexOf('add_to_cart');
const REFERRERS = ['google', 'facebook', 'direct', 'email'] as const;
const ELEMENT_TYPES = ['button', 'link', 'image'] as const;
const SEARCH_QUERIES = ['laptop', 'phone', 'headphones', 'camera', 'tablet'] as const;

const DETAILS_KEY = '", "event_details": ';
const LINE_END = '}\n';
const EVENT_ID_START = asciiBytes('{"event_id": "EVT_');
const SESSION_START = '", "session_id": "SES_';
const USER_START = '", "user_id": "USR_';
const TYPE_START = '", "event_type": "';
const CART_START = asciiBytes(`${DETAILS_KEY}{"product_id": "PROD_`);
const CART_QUANTITY = asciiBytes('", "quantity": ');
const CART_PRICE = asciiBytes(', "price": ');
const CART_END = asciiBytes(`}${LINE_END}`);
const DOT = 0x2e;
const ZERO = 0x30;

/** Writes Python's `repr(float)` of a price in cents: 53340 → `533.4`, 18253 → `182.53`, 1000 → `10.0`. */
export function putPythonPrice(bytes: Uint8Array, at: number, cents: number): number {
  const whole = Math.floor(cents / 100);
  const fraction = cents - whole * 100;
  let end = putUint(bytes, at, whole);
  bytes[end++] = DOT;
  if (fraction === 0) bytes[end++] = ZERO;
  else if (fraction % 10 === 0) bytes[end++] = ZERO + fraction / 10;
  else end = putTwoDigits(bytes, end, fraction);
  return end;
}

/**
 * Draws events and writes them as JSON Lines in Python's `json.dumps`
 * spacing, straight into a byte buffer:
 *
 * ```
 * {"event_id": "EVT_00000001", "session_id": "SES_000001", "user_id": "USR_00001", "event_type": "page_view", "event_timestamp": "2024-11-15T14:30:00.000000", "event_details": {"page_url": "/page/12", "referrer": "google"}}
 * ```
 *
 * Details follow the seed (`{"action": "login"}`, `{"element_id": "btn_3", "element_type": "link"}`,
 * `{"search_query": "phone", "results_count": 41}`,
 * `{"product_id": "PROD_0810", "quantity": 2, "price": 606.03}`), `null` now and then.
 * Constant pieces are encoded once; per event only digits are written.
 *
 * Use: `beginSession` once per session, then `draw()` and `put()` per event
 * (`put` may be called again to write the same event with another timestamp).
 */
export class EventLineEncoder {
  private readonly typeParts: Uint8Array[];
  private readonly nullDetails = asciiBytes(`${DETAILS_KEY}null${LINE_END}`);
  private readonly actions: Uint8Array[];
  private readonly pageViews: Uint8Array[] = [];
  private readonly clicks: Uint8Array[] = [];
  private readonly searches: Uint8Array[] = [];
  /** `", "session_id": "SES_…", "user_id": "USR_…", "event_type": "`, digits rewritten per session. */
  private readonly sessionPart: Uint8Array;
  private type = 0;
  private details: Uint8Array | undefined;
  private product = 0;
  private cents = 0;
  private quantity = 0;

  /** Upper bound of a line's length in bytes. */
  readonly maxLineBytes: number;

  /**
   * @param rng - the stream events are drawn from
   * @param clock - formats `event_timestamp`
   * @param widths - zero-padded digits of `EVT_`, `SES_` and `USR_` ids
   */
  constructor(
    private readonly rng: Sfc32,
    private readonly clock: WallClockFormatter,
    private readonly widths: { readonly event: number; readonly session: number; readonly user: number },
  ) {
    this.maxLineBytes = 400 + widths.event + widths.session + widths.user;
    this.sessionPart = asciiBytes(
      `${SESSION_START}${'0'.repeat(widths.session)}${USER_START}${'0'.repeat(widths.user)}${TYPE_START}`,
    );
    this.typeParts = ALL_TYPES.map((type) => asciiBytes(`${type}", "event_timestamp": "`));
    this.actions = ALL_TYPES.map((type) => asciiBytes(`${DETAILS_KEY}{"action": "${type}"}${LINE_END}`));
    const details = (json: string) => asciiBytes(`${DETAILS_KEY}${json}${LINE_END}`);
    for (let page = 1; page <= 50; page++) {
      for (const referrer of REFERRERS)
        this.pageViews.push(details(`{"page_url": "/page/${page}", "referrer": "${referrer}"}`));
    }
    for (let button = 1; button <= 20; button++) {
      for (const type of ELEMENT_TYPES)
        this.clicks.push(details(`{"element_id": "btn_${button}", "element_type": "${type}"}`));
    }
    for (const query of SEARCH_QUERIES) {
      for (let count = 0; count < 100; count++) {
        this.searches.push(details(`{"search_query": "${query}", "results_count": ${count}}`));
      }
    }
  }

  /** Sets the session and user numbers (`SES_<n>`, `USR_<n>`, within their widths) of the following events. */
  beginSession(session: number, user: number): void {
    if (decimalDigits(session) > this.widths.session || decimalDigits(user) > this.widths.user) {
      throw new RangeError(`session ${session} or user ${user} does not fit the id widths`);
    }
    const part = this.sessionPart;
    const userAt = putPadded(part, SESSION_START.length, session, this.widths.session) + USER_START.length;
    putPadded(part, userAt, user, this.widths.user);
  }

  /** Draws the next event's type and details. */
  draw(): GeneratedEventType {
    const rng = this.rng;
    this.type = rng.next() < PURCHASE_RATE ? PURCHASE : rng.int(EVENT_TYPES.length);
    const type = this.type;
    if (rng.next() < NULL_DETAILS_RATE) this.details = this.nullDetails;
    else if (type === PAGE_VIEW) this.details = this.pageViews[rng.int(this.pageViews.length)];
    else if (type === CLICK) this.details = this.clicks[rng.int(this.clicks.length)];
    else if (type === SEARCH) this.details = this.searches[rng.int(this.searches.length)];
    else if (type === ADD_TO_CART) {
      this.details = undefined;
      this.product = rng.int(1000);
      this.cents = 1000 + rng.int(99_001);
      this.quantity = 1 + rng.int(5);
    } else this.details = this.actions[type];
    return ALL_TYPES[type] as GeneratedEventType;
  }

  /** Writes the drawn event as a line (with `\n`); returns the end offset. */
  put(bytes: Uint8Array, at: number, eventNumber: number, timestampMicros: number): number {
    let end = putBytes(bytes, at, EVENT_ID_START);
    end = putPadded(bytes, end, eventNumber, this.widths.event);
    end = putBytes(bytes, end, this.sessionPart);
    end = putBytes(bytes, end, this.typeParts[this.type] as Uint8Array);
    end = this.clock.putIsoMicros(bytes, end, timestampMicros);
    if (this.details !== undefined) return putBytes(bytes, end, this.details);
    end = putBytes(bytes, end, CART_START);
    end = putPadded(bytes, end, this.product, 4);
    end = putBytes(bytes, end, CART_QUANTITY);
    end = putUint(bytes, end, this.quantity);
    end = putBytes(bytes, end, CART_PRICE);
    end = putPythonPrice(bytes, end, this.cents);
    return putBytes(bytes, end, CART_END);
  }
}
