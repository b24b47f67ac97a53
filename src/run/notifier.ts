/** An alarm raised by a run (SPEC §4: corrupt share above the threshold). */
export interface Alarm {
  readonly kind: 'corrupt_share';
  readonly runId: string;
  readonly message: string;
  readonly value: number;
  readonly threshold: number;
}

/**
 * Where alarms go. The default logs them; the AWS adapters plug SNS or a Slack webhook in here.
 *
 * @example
 * const notifier: Notifier = { notify: async (alarm) => { await postToSlack(alarm.message); } };
 */
export interface Notifier {
  notify(alarm: Alarm): Promise<void>;
}

/** The structural subset of a pino logger goldsmith uses, so any compatible logger fits. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (library default). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** The default notifier: logs the alarm as a warning. */
export function logNotifier(logger: Logger): Notifier {
  return {
    async notify(alarm) {
      logger.warn({ alarm }, alarm.message);
    },
  };
}
