/**
 * A minimal CloudFormation template with the definition inlined in an
 * AWS::StepFunctions::StateMachine: cfn-lint validates an inline definition against the States
 * Language schema (rule E3601), but never opens SAM's `DefinitionUri` file. `names` are the
 * `${…}` substitutions the definition uses, declared as parameters.
 */
export function inlineStateMachineTemplate(names: readonly string[], definition: unknown) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: Object.fromEntries(names.map((n) => [n, { Type: 'String' }])),
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
        },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Definition: definition,
          DefinitionSubstitutions: Object.fromEntries(names.map((n) => [n, { Ref: n }])),
        },
      },
    },
  };
}
