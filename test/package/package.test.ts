import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; import: string }>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

describe('the published package (STYLE: the package is tested too)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goldsmith-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    // `npm ci` builds dist/ through the prepare script; build again so the test sees this source.
    execFileSync('npx', ['tsup', '--silent'], { cwd: ROOT, stdio: 'pipe' });
  }, 120_000);

  it('every export lists types first and points at built files', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect(Object.keys(target)[0], subpath).toBe('types');
      expect(existsSync(join(ROOT, target.types)), target.types).toBe(true);
      expect(existsSync(join(ROOT, target.import)), target.import).toBe(true);
    }
  });

  it('dist imports nothing but node built-ins and declared dependencies', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})]);
    const stray = new Set<string>();
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.name.endsWith('.js')) {
          for (const m of readFileSync(path, 'utf8').matchAll(
            /(?:from|import\()\s*['"]([^'"./][^'"]*)['"]/g,
          )) {
            const spec = m[1]!;
            const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
            if (!spec.startsWith('node:') && !builtinModules.includes(name) && !allowed.has(name))
              stray.add(spec);
          }
        }
      }
    };
    walk(join(ROOT, 'dist'));
    expect([...stray]).toEqual([]);
  });

  it('the packed tarball installs and its entry points import and run', () => {
    const tarball = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!;
    const modules = join(dir, 'app', 'node_modules');
    mkdirSync(join(modules, pkg.name), { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', join(modules, pkg.name), '--strip-components=1']);
    // Link the runtime dependencies instead of downloading them again.
    for (const dep of Object.keys(pkg.dependencies)) {
      mkdirSync(join(modules, dep, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
    }
    const script = `
      const core = await import('goldsmith');
      const schemas = await import('goldsmith/schemas');
      const node = await import('goldsmith/node');
      const arrow = await import('goldsmith/engines/arrow');
      const { result } = await core.runPipeline({ inputs: { events: [core.bytesInput('e.jsonl', '{"event_id":"E1","session_id":"S1","user_id":"U1","event_type":"click","event_timestamp":"2025-01-01T00:00:00"}\\n')] }, engine: arrow.createArrowEngine() });
      console.log(JSON.stringify({ rows: result.gold.numRows, gold: schemas.goldArrowSchema.fields.length, node: typeof node.localWarehouse }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(dir, 'app'),
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ rows: 1, gold: 22, node: 'function' });
    const help = execFileSync(process.execPath, [join(modules, pkg.name, pkg.bin.goldsmith!), '--help'], {
      encoding: 'utf8',
    });
    expect(help).toContain('goldsmith <command>');
  }, 120_000); // beforeAll built dist/, so npm pack skips the prepare script's second build
});
