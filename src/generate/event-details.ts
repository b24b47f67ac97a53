import type { Sfc32 } from './prng.js';

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

const REFERRERS = ['google', 'facebook', 'direct', 'email'] as const;
const ELEMENT_TYPES = ['button', 'link', 'image'] as const;
const SEARCH_QUERIES = ['laptop', 'phone', 'headphones', 'camera', 'tablet'] as const;

/** Python's `repr(float)` of a price in cents: 53340 → `533.4`, 18253 → `182.53`, 1000 → `10.0`. */
export function pythonPrice(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = cents - whole * 100;
  if (fraction === 0) return `${whole}.0`;
  if (fraction % 10 === 0) return `${whole}.${fraction / 10}`;
  return `${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/**
 * Draws an event's type and its `event_details` JSON text, shaped like the
 * seed's (`{"page_url": "/page/12", "referrer": "google"}`, `{"action": "login"}`,
 * `{"product_id": "PROD_0810", "quantity": 2, "price": 606.03}` …).
 * The small closed vocabularies are precomputed once.
 */
export class EventDetailsFactory {
  private readonly pageViews: string[] = [];
  private readonly clicks: string[] = [];
  private readonly searches: string[] = [];
  private readonly actions: Map<string, string> = new Map();

  constructor(private readonly rng: Sfc32) {
    for (let page = 1; page <= 50; page++) {
      for (const referrer of REFERRERS) this.pageViews.push(`{"page_url": "/page/${page}", "referrer": "${referrer}"}`);
    }
    for (let button = 1; button <= 20; button++) {
      for (const type of ELEMENT_TYPES) this.clicks.push(`{"element_id": "btn_${button}", "element_type": "${type}"}`);
    }
    for (const query of SEARCH_QUERIES) {
      for (let count = 0; count < 100; count++) {
        this.searches.push(`{"search_query": "${query}", "results_count": ${count}}`);
      }
    }
    for (const type of [...EVENT_TYPES, 'purchase']) this.actions.set(type, `{"action": "${type}"}`);
  }

  /** Draws an event type. */
  type(): GeneratedEventType {
    if (this.rng.next() < PURCHASE_RATE) return 'purchase';
    return EVENT_TYPES[this.rng.int(EVENT_TYPES.length)] as GeneratedEventType;
  }

  /** Draws the `event_details` JSON text for an event of `type` (sometimes `null`). */
  details(type: GeneratedEventType): string {
    const rng = this.rng;
    if (rng.next() < NULL_DETAILS_RATE) return 'null';
    switch (type) {
      case 'page_view':
        return this.pageViews[rng.int(this.pageViews.length)] as string;
      case 'click':
        return this.clicks[rng.int(this.clicks.length)] as string;
      case 'search':
        return this.searches[rng.int(this.searches.length)] as string;
      case 'add_to_cart': {
        const product = String(rng.int(1000)).padStart(4, '0');
        const price = pythonPrice(1000 + rng.int(99_001));
        return `{"product_id": "PROD_${product}", "quantity": ${1 + rng.int(5)}, "price": ${price}}`;
      }
      default:
        return this.actions.get(type) as string;
    }
  }
}
