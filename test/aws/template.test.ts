import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import definition from '../../engines/lambda/state-machine.asl.json' with { type: 'json' };
import { goldDdl } from '../../schemas/gold.js';
import { ROOT } from '../support/paths.js';
import { inlineStateMachineTemplate } from './inline-state-machine.js';

const TEMPLATE = join(ROOT, 'engines/lambda/template.yaml');

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

interface DecodedTemplate {
  Resources: Record<string, Resource>;
  Globals: { Function: Record<string, unknown> };
}
let decoded: DecodedTemplate | undefined;

/** The template as data, through cfn-lint's own YAML decoder (it knows the `!Ref`-style tags). */
function decodeTemplate(): DecodedTemplate {
  if (decoded) return decoded;
  const run = spawnSync(
    'python3',
    [
      '-c',
      'import json,sys\nfrom cfnlint.decode import decode\nt,m=decode(sys.argv[1])\nassert not m, m\nprint(json.dumps(t))',
      TEMPLATE,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`cannot decode ${TEMPLATE}: ${run.stderr}`);
  decoded = JSON.parse(run.stdout) as DecodedTemplate;
  return decoded;
}

describe('engines/lambda/template.yaml (AWS SAM)', () => {
  it('passes cfn-lint (installed on every machine and in CI)', () => {
    const run = spawnSync('cfn-lint', [TEMPLATE], { encoding: 'utf8' });
    if (run.error)
      throw new Error(`cfn-lint could not run (${run.error.message}); install it: pip install cfn-lint`);
    expect(`${run.stdout}${run.stderr}`).toBe('');
    expect(run.status).toBe(0);
  });

  it('the state machine definition passes the ASL schema check of cfn-lint (a broken one does not)', () => {
    // SAM's DefinitionUri file is not read by cfn-lint; inlined into an AWS::StepFunctions::StateMachine
    // it is validated against the States Language schema (rule E3601).
    const names = ['BronzeToSilverFunctionArn', 'SilverToGoldFunctionArn', 'NotifyFunctionArn'];
    const templateWith = (asl: unknown) => inlineStateMachineTemplate(names, asl);
    const broken = structuredClone(definition) as { States: Record<string, Record<string, unknown>> };
    broken.States.SilverToGold!.Nextt = 'Notify';
    const dir = mkdtempSync(join(tmpdir(), 'goldsmith-asl-'));
    try {
      writeFileSync(join(dir, 'good.json'), JSON.stringify(templateWith(definition)));
      writeFileSync(join(dir, 'broken.json'), JSON.stringify(templateWith(broken)));
      const run = spawnSync('cfn-lint', [join(dir, 'good.json'), join(dir, 'broken.json')], {
        encoding: 'utf8',
      });
      expect(run.stdout).toContain('E3601');
      expect(run.stdout).toContain('broken.json');
      expect(run.stdout).not.toContain('good.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has every resource of the seed's architecture", () => {
    const types = Object.values(decodeTemplate().Resources).map((r) => r.Type);
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::Kinesis::Stream',
      'AWS::KinesisFirehose::DeliveryStream',
      'AWS::Serverless::Function',
      'AWS::Serverless::StateMachine',
      'AWS::DynamoDB::Table',
      'AWS::SNS::Topic',
      'AWS::CloudWatch::Alarm',
      'AWS::Glue::Database',
      'AWS::Glue::Table',
      'AWS::EC2::VPCEndpoint',
    ])
      expect(types, type).toContain(type);
  });

  it('deploys every packaged handler, and the state machine names only functions it substitutes', () => {
    const { Resources, Globals } = decodeTemplate();
    expect(Globals.Function.Runtime).toBe('nodejs22.x');
    const codeUris = Object.values(Resources)
      .filter((r) => r.Type === 'AWS::Serverless::Function')
      .map((r) => String(r.Properties.CodeUri).replace(/^\.\.\/\.\.\/dist-lambda\/|\/$/g, ''))
      .sort();
    const entries = readdirSync(join(ROOT, 'engines/lambda/entries'))
      .filter((f) => f.endsWith('.ts') && f !== 'stage-env.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(codeUris).toEqual(entries);
    const machine = Object.values(Resources).find((r) => r.Type === 'AWS::Serverless::StateMachine')!;
    const substitutions = Object.keys(machine.Properties.DefinitionSubstitutions as object).sort();
    const named = [
      ...new Set(
        JSON.stringify(definition)
          .match(/\$\{(\w+)\}/g)!
          .map((m) => m.slice(2, -1)),
      ),
    ].sort();
    expect(named).toEqual(substitutions);
  });

  it("declares gold's Glue columns exactly as the gold schema's DDL", () => {
    const table = Object.values(decodeTemplate().Resources).find((r) => r.Type === 'AWS::Glue::Table')!;
    const input = table.Properties.TableInput as {
      StorageDescriptor: { Columns: Array<{ Name: string; Type: string }> };
    };
    const fromDdl = [...goldDdl.matchAll(/^ {4}(\w+)\s+([A-Z][A-Z0-9(),<>]*),?$/gm)].map(
      (m) => `${m[1]} ${m[2]!.replace(/,$/, '').toLowerCase()}`,
    );
    expect(fromDdl).toHaveLength(22);
    expect(input.StorageDescriptor.Columns.map((c) => `${c.Name} ${c.Type}`)).toEqual(fromDdl);
  });
});
