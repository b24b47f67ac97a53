import { createNotifyHandler } from '../notify.js';

/** Notify state, success and failure paths (template: `NotifyFunction`). */
export const handler = createNotifyHandler({
  ...(process.env.TOPIC_ARN ? { topicArn: process.env.TOPIC_ARN } : {}),
  ...(process.env.SLACK_WEBHOOK_URL ? { slackWebhookUrl: process.env.SLACK_WEBHOOK_URL } : {}),
});
