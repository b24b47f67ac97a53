/**
 * CloudWatch Embedded Metric Format: a metric is a JSON log line with an `_aws` member that tells
 * CloudWatch Logs which top-level keys are metrics and which are dimensions. Lambda ships stdout to
 * CloudWatch Logs, which extracts the metrics asynchronously — no PutMetricData call, no client.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** CloudWatch's metric units that goldsmith uses. */
export const MetricUnit = {
  Count: 'Count',
  Percent: 'Percent',
  Milliseconds: 'Milliseconds',
  Bytes: 'Bytes',
  None: 'None',
} as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One metric value. */
export interface Metric {
  readonly name: string;
  readonly value: number;
  readonly unit: MetricUnit;
}

/** The namespace goldsmith's metrics are published in (the template's alarm reads it). */
export const METRICS_NAMESPACE = 'goldsmith';

/** Options of {@link emfLine}. */
export interface EmfOptions {
  /** Default {@link METRICS_NAMESPACE}. */
  readonly namespace?: string;
  /** Dimension name → value; one dimension set with all of them. */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Extra top-level properties (searchable in Logs Insights, not metrics), e.g. a run id. */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** Epoch ms. Default `Date.now()`. */
  readonly timestamp?: number;
}

/**
 * One EMF JSON line (without the newline).
 *
 * @example
 * emfLine([{ name: 'CorruptShare', value: 0.012, unit: 'None' }], { dimensions: { Pipeline: 'goldsmith' } });
 * // {"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":"goldsmith","Dimensions":[["Pipeline"]],
 * //   "Metrics":[{"Name":"CorruptShare","Unit":"None"}]}]},"Pipeline":"goldsmith","CorruptShare":0.012}
 */
export function emfLine(metrics: readonly Metric[], options: EmfOptions = {}): string {
  if (metrics.length > 100) throw new RangeError(`EMF allows 100 metrics per line, got ${metrics.length}`);
  const dimensions = options.dimensions ?? {};
  const names = Object.keys(dimensions);
  if (names.length > 30) throw new RangeError(`EMF allows 30 dimensions per set, got ${names.length}`);
  const line: Record<string, unknown> = {
    _aws: {
      Timestamp: options.timestamp ?? Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: options.namespace ?? METRICS_NAMESPACE,
          Dimensions: [names],
          Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...options.properties,
    ...dimensions,
  };
  for (const m of metrics) {
    if (!Number.isFinite(m.value))
      throw new RangeError(`metric ${m.name}: ${m.value} is not a finite number`);
    line[m.name] = m.value;
  }
  return JSON.stringify(line);
}

/** Where metric lines go: a function taking one line. Default: `process.stdout`. */
export type MetricsSink = (line: string) => void;

/** The default sink: one line on stdout, which Lambda sends to CloudWatch Logs. */
export const stdoutMetrics: MetricsSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * A metrics publisher bound to a function name: `publish(metrics, dimensions?, properties?)` writes
 * one EMF line with the dimension set `{ Pipeline, Function, ...dimensions }`.
 */
export function metricsFor(functionName: string, sink: MetricsSink = stdoutMetrics) {
  return {
    publish(
      metrics: readonly Metric[],
      dimensions: Readonly<Record<string, string>> = {},
      properties: EmfOptions['properties'] = {},
    ): void {
      if (metrics.length === 0) return;
      sink(
        emfLine(metrics, {
          dimensions: { Pipeline: 'goldsmith', Function: functionName, ...dimensions },
          properties,
        }),
      );
    },
  };
}
export type Metrics = ReturnType<typeof metricsFor>;
