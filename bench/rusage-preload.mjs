// Loaded with `node --import` into a measured child when GNU time is not available: at exit the
// child writes its own resource usage (CPU µs of all threads, ru_maxrss in KiB) to the file the
// harness names in GOLDSMITH_BENCH_USAGE_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.GOLDSMITH_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userCPUTime, systemCPUTime, maxRSS }));
  });
}
