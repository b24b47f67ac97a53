import type { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import type { Logger } from '../../src/run/notifier.js';
import { lambdaLogger } from './lambda-logger.js';
import type { RunSummary } from './pipeline-stages.js';

/** Input of the notify state: the run's summary, or the error a Catch caught. */
export const NotifyInput = z.union([
  z.object({
    status: z.literal('succeeded'),
    report: z.custom<RunSummary>((v) => typeof v === 'object' && v !== null),
  }),
  z.object({
    status: z.literal('failed'),
    /** What Step Functions puts in a Catch's ResultPath: `{ Error, Cause }`. */
    error: z.object({ Error: z.string(), Cause: z.string().optional() }),
    execution: z.string().optional(),
  }),
]);
export type NotifyInput = z.infer<typeof NotifyInput>;

/** Options of {@link createNotifyHandler}. */
export interface NotifyConfig {
  /** SNS topic to publish to (optional). */
  readonly topicArn?: string;
  readonly sns?: SNSClient;
  /** Slack incoming-webhook URL (optional). */
  readonly slackWebhookUrl?: string;
  /** Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
}

/** Subject and text of a notification. */
export function formatNotification(input: NotifyInput): { subject: string; text: string } {
  if (input.status === 'failed') {
    let cause = input.error.Cause ?? '';
    try {
      const parsed = JSON.parse(cause) as { errorMessage?: string };
      if (parsed.errorMessage) cause = parsed.errorMessage;
    } catch {
      // Cause is plain text
    }
    return {
      subject: `goldsmith: pipeline FAILED (${input.error.Error})`,
      text: `goldsmith pipeline failed${input.execution ? ` (${input.execution})` : ''}: ${input.error.Error}\n${cause}`.trim(),
    };
  }
  const r = input.report;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `goldsmith run ${r.run_id}: ${r.status}${r.mode ? ` (${r.mode})` : ''}, ${r.files} new file(s)`,
    ...(['events', 'transactions', 'users'] as const).map(
      (s) =>
        `  ${s.padEnd(12)} read ${r.sources[s].read}, quarantined ${r.sources[s].quarantined}, duplicates ${r.sources[s].duplicates}`,
    ),
    `  gold: ${r.gold.sessions} session(s) recomputed, ${r.gold.with_transaction} with a transaction${
      r.gold.merged
        ? `; MERGE +${r.gold.merged.inserted} ~${r.gold.merged.updated}, ${r.gold.merged.total} rows`
        : ''
    }`,
    `  corrupt share ${pct(r.corrupt_share)} (threshold ${pct(r.corrupt_threshold)})${r.alarm ? ' — ALARM' : ''}`,
    `  report: ${r.report}`,
  ];
  return {
    subject: `goldsmith: run ${r.status}${r.alarm ? ' with corrupt-share ALARM' : ''}`,
    text: lines.join('\n'),
  };
}

/**
 * The notify state: publishes the run summary (or the failure a Catch caught) to SNS and to a
 * Slack incoming webhook — each only if configured. The seed's "Notificación" step, and the path
 * the Catch takes. A delivery failure fails the task (Step Functions retries it).
 *
 * @example
 * export const handler = createNotifyHandler({ topicArn: process.env.TOPIC_ARN, slackWebhookUrl: process.env.SLACK_WEBHOOK_URL });
 */
export function createNotifyHandler(config: NotifyConfig) {
  const logger = config.logger ?? lambdaLogger('notify');
  return async (event: NotifyInput): Promise<{ subject: string; sns?: string; slack?: number }> => {
    const input = NotifyInput.parse(event);
    const { subject, text } = formatNotification(input);
    const out: { subject: string; sns?: string; slack?: number } = { subject };
    if (config.topicArn) {
      const { PublishCommand, SNSClient } = await import('@aws-sdk/client-sns');
      const sns = config.sns ?? new SNSClient({});
      const published = await sns.send(
        new PublishCommand({
          TopicArn: config.topicArn,
          Subject: subject.slice(0, 99),
          Message: text,
          MessageAttributes: { status: { DataType: 'String', StringValue: input.status } },
        }),
      );
      out.sns = published.MessageId ?? '';
    }
    if (config.slackWebhookUrl) {
      const response = await (config.fetch ?? fetch)(config.slackWebhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `*${subject}*\n\`\`\`\n${text}\n\`\`\`` }),
      });
      if (!response.ok) throw new Error(`Slack webhook answered ${response.status}`);
      out.slack = response.status;
    }
    logger.info({ ...out, status: input.status }, 'notified');
    return out;
  };
}
