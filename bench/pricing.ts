/**
 * Every price and platform limit the sizing report uses, in one dated place. Update the numbers
 * here (and `PRICES_AS_OF`) when AWS changes them; nothing else in `bench/` hard-codes a price.
 *
 * Sources (published list prices, us-east-1, on-demand, no free tier, no Savings Plans):
 * - Lambda duration and requests: https://aws.amazon.com/lambda/pricing/ — x86, first 6 billion
 *   GB-s a month: $0.0000166667 per GB-second; requests $0.20 per million. Unchanged since the
 *   1 ms billing change of December 2020. Arm (Graviton) is $0.0000133334 per GB-s (20% less).
 * - Lambda limits: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html and
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html — timeout 900 s,
 *   memory 128–10,240 MB in 1 MB steps, "at 1,769 MB a function has the equivalent of one vCPU
 *   (one vCPU-second of credits per second)", up to 6 vCPUs at 10,240 MB
 *   (https://aws.amazon.com/blogs/aws/new-for-aws-lambda-functions-with-up-to-10-gb-of-memory-and-6-vcpus/).
 * - Glue: https://aws.amazon.com/glue/pricing/ — Spark ETL jobs $0.44 per DPU-hour, billed per
 *   second with a 1-minute minimum (Glue 2.0 and later); a DPU is 4 vCPU and 16 GB; a Spark job
 *   defaults to 10 DPUs. The seed (`seed/000_ab04de1197b426f1.md`, "Glue ETL") reports ~40
 *   DPU-hours a month and quotes ~$100 for it.
 *
 * Transcribed on the date below from those pages as published; check them before quoting a bill.
 */

import { LAMBDA_MB_PER_VCPU } from '../src/io/parquet-encoder.js';

/** Date the numbers below were last checked against the sources above. */
export const PRICES_AS_OF = '2026-11-29';

/** AWS region the prices are for. */
export const PRICE_REGION = 'us-east-1';

/** Lambda on-demand prices (x86_64, first pricing tier). */
export const LAMBDA_PRICES = {
  /** USD per GB-second of configured memory × duration (memory MB / 1024 = GB). */
  perGbSecond: 0.0000166667,
  /** USD per request (invocation): $0.20 per million. */
  perRequest: 0.2 / 1_000_000,
  /** Same for arm64, for reference (the report uses x86). */
  arm64PerGbSecond: 0.0000133334,
} as const;

/** Lambda limits and the CPU model (vCPU share proportional to memory). */
export const LAMBDA_LIMITS = {
  /** Maximum timeout, seconds (15 minutes). */
  timeoutSeconds: 900,
  /** Memory range, MB (Lambda's "MB" are MiB: 10,240 MB = 10 GiB). */
  minMemoryMb: 128,
  maxMemoryMb: 10_240,
  /** Memory at which a function gets one full vCPU of CPU time (the library's own constant). */
  mbPerVcpu: LAMBDA_MB_PER_VCPU,
  /** Most vCPUs a function gets (at 10,240 MB). */
  maxVcpus: 6,
} as const;

/** Glue Spark ETL job prices and defaults (the seed's alternative). */
export const GLUE_PRICES = {
  /** USD per DPU-hour, Spark ETL job. */
  perDpuHour: 0.44,
  /** DPUs a Spark job gets by default. */
  defaultDpus: 10,
  /** Billed per second with this minimum per run. */
  minimumBilledSeconds: 60,
  /** The seed's reported monthly Glue usage, DPU-hours (all jobs). */
  seedDpuHoursPerMonth: 40,
  /** What the seed says that usage costs a month, USD (40 × $0.44 is $17.60; the seed's figure is kept as quoted). */
  seedQuotedMonthlyUsd: 100,
} as const;

/** Runs a month of the daily job. */
export const RUNS_PER_MONTH = 30;
