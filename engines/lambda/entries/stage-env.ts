/** `GOLDSMITH_CORRUPT_THRESHOLD` (a share, default 0.01) and `GOLDSMITH_RULES` (DQDL text). */
export function stageConfigFromEnv(): { corruptThreshold?: number; rules?: string } {
  const threshold = process.env.GOLDSMITH_CORRUPT_THRESHOLD;
  return {
    ...(threshold ? { corruptThreshold: Number(threshold) } : {}),
    ...(process.env.GOLDSMITH_RULES ? { rules: process.env.GOLDSMITH_RULES } : {}),
  };
}
