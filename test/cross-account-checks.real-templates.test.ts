import { join } from 'path';
import { App, Aspects, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { CrossAccountChecks } from '../src';
import { DETECTIVE_ORG_PARAMETERS } from './fixtures/real-templates/parameters';

/**
 * The Aspect on templates written by others (test/fixtures/real-templates, whose
 * README gives each file's origin and licence, and explains each finding).
 */
const TEMPLATES = join(__dirname, 'fixtures', 'real-templates');
const TOOLS = '111111111111';
const DEV = '222222222222';
const TEST = '333333333333';
const PRODUCTION = '444444444444';
const MANAGEMENT = '555555555555';
const MEMBER = '666666666666';
const KEY = `arn:aws:kms:us-east-1:${TOOLS}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

interface Included {
  readonly file: string;
  readonly account: string;
  readonly parameters?: Record<string, string>;
}

const GITHUB = { GitHubOrganization: 'example-org', RoleName: 'github-actions', RepositoryName: '*', BranchName: '*', UseExistingProvider: 'no' };
const PROWLER = { ExternalId: 'prowler-2026', AccountId: '232136659152', IAMPrincipal: 'role/prowler*' };

/** GIVEN the templates, each in a stack of its account, in one app with the Aspect; THEN the warnings of each stack, by role. */
function findings(...templates: Included[]): Record<string, string[]> {
  const app = new App({ analyticsReporting: false });
  Aspects.of(app).add(new CrossAccountChecks());
  const stacks = templates.map(({ file, account, parameters }) => {
    const stack = new Stack(app, file, {
      env: { account, region: 'us-east-1' },
      // A template synthesized by aws-cdk-lib holds the bootstrap rule the default synthesizer adds again.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });
    new CfnInclude(stack, 'Template', { templateFile: join(TEMPLATES, `${file}.template.json`), parameters });
    return stack;
  });
  const found: Record<string, string[]> = {};
  for (const stack of stacks) {
    for (const warning of Annotations.fromStack(stack).findWarning('*', Match.anyValue())) {
      const id = /\[ack: cdk-cross-account-task-roles:(\w+)\]$/.exec(String(warning.entry.data))?.[1] ?? 'other';
      (found[warning.id] ??= []).push(id);
    }
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  }
  return found;
}

describe('CrossAccountChecks on real templates', () => {
  test.each<[string, Included, Record<string, string[]>]>([
    ['github-oidc-role (the owner named in the subject)', { file: 'github-oidc-role', account: TOOLS, parameters: GITHUB }, {}],
    ['refarch-tools-pipeline', {
      file: 'refarch-tools-pipeline',
      account: TOOLS,
      parameters: { S3Bucket: 'artifacts', DevAccount: DEV, TestAccount: TEST, ProductionAccount: PRODUCTION, CMKARN: KEY, ProjectName: 'sample' },
    }, {}],
    ['refarch-test-deployer', { file: 'refarch-test-deployer', account: TEST, parameters: { S3Bucket: 'artifacts', ToolsAccount: TOOLS, CMKARN: KEY } },
      { '/refarch-test-deployer/Template/CFRole': ['wholeAccountTrust'] }],
    ['refarch-dev-codecommit', { file: 'refarch-dev-codecommit', account: DEV, parameters: { ToolsAccount: TOOLS, CMKARN: KEY } },
      { '/refarch-dev-codecommit/Template/Role': ['wholeAccountTrust'] }],
    ['service-screener-role', { file: 'service-screener-role', account: MEMBER, parameters: { ExecAccountNo: TOOLS, ExternalID: 'screener-2026', RoleName: 'ServiceScreener' } },
      { '/service-screener-role/Template/SSRoleExternalID': ['wholeAccountTrust', 'chainedSessionDuration'] }],
    ['prowler-scan-role', { file: 'prowler-scan-role', account: MEMBER, parameters: PROWLER }, {}],
    ['adf-bootstrap-global (a Condition written as Fn::And cannot be checked)', {
      file: 'adf-bootstrap-global',
      account: MEMBER,
      parameters: { DeploymentAccountId: TOOLS, KMSArn: KEY, DeploymentAccountBucketName: 'adf-bucket' },
    }, { '/adf-bootstrap-global/Template/CloudFormationDeploymentRole': ['unknownTrustPrincipal'] }],
    ['adf-ecs-cluster (an ECS role that is no task role)', { file: 'adf-ecs-cluster', account: MEMBER, parameters: { Environment: 'test' } }, {}],
    ['sra-stackset-admin-role', { file: 'sra-stackset-admin-role', account: MANAGEMENT },
      { '/sra-stackset-admin-role/Template/rSRAStackSetRoleName': ['assumeRoleInAnyAccount'] }],
    ['sra-stackset-execution-role', { file: 'sra-stackset-execution-role', account: MEMBER, parameters: { pManagementAccountId: MANAGEMENT } },
      { '/sra-stackset-execution-role/Template/rSRAExecutionRole': ['wholeAccountTrust'] }],
    ['sra-detective-configuration-role', {
      file: 'sra-detective-configuration-role',
      account: MEMBER,
      parameters: { pManagementAccountId: MANAGEMENT, pDetectiveOrgLambdaRoleName: 'sra-detective-org-lambda' },
    }, {}],
    ['sra-detective-org (aws:PrincipalOrgID limits the caller, not the role assumed)', { file: 'sra-detective-org', account: MANAGEMENT, parameters: DETECTIVE_ORG_PARAMETERS },
      { '/sra-detective-org/Template/rDetectiveOrgLambdaRole': ['assumeRoleInAnyAccount'] }],
    ['cdk-ecs-docker-label', { file: 'cdk-ecs-docker-label', account: MEMBER },
      { '/cdk-ecs-docker-label/Template/TaskDefTaskRole1EDB4A67': ['confusedDeputyGuardOff'] }],
  ])('%s', (_name, template, expected) => {
    expect(findings(template)).toEqual(expected);
  });

  test.each<[string, Included, Record<string, string[]>]>([
    ['a GitHub subject with any owner', { file: 'github-oidc-role', account: TOOLS, parameters: { ...GITHUB, GitHubOrganization: '*' } },
      { '/github-oidc-role/Template/RoleGithubActions': ['wholeAccountTrust'] }],
    ['Prowler with IAMPrincipal *', { file: 'prowler-scan-role', account: MEMBER, parameters: { ...PROWLER, IAMPrincipal: '*' } },
      { '/prowler-scan-role/Template/ProwlerScan': ['wholeAccountTrust'] }],
  ])('the variant that must be reported: %s', (_name, template, expected) => {
    expect(findings(template)).toEqual(expected);
  });
});

describe('CrossAccountChecks on chains between real templates', () => {
  const lambdaRole = 'sra-detective-org-lambda';

  test('the Detective Lambda role and the configuration role that trusts it agree', () => {
    expect(findings(
      { file: 'sra-detective-org', account: MANAGEMENT, parameters: DETECTIVE_ORG_PARAMETERS },
      {
        file: 'sra-detective-configuration-role',
        account: MEMBER,
        parameters: { pManagementAccountId: MANAGEMENT, pDetectiveOrgLambdaRoleName: lambdaRole, pDetectiveConfigurationRoleName: 'sra-detective-configuration' },
      },
    )['/sra-detective-configuration-role/Template/rConfigurationRole']).toBeUndefined();
  });

  test('a configuration role named otherwise than the Lambda role may assume disagrees with it', () => {
    expect(findings(
      { file: 'sra-detective-org', account: MANAGEMENT, parameters: DETECTIVE_ORG_PARAMETERS },
      {
        file: 'sra-detective-configuration-role',
        account: MEMBER,
        parameters: { pManagementAccountId: MANAGEMENT, pDetectiveOrgLambdaRoleName: lambdaRole, pDetectiveConfigurationRoleName: 'sra-detective-config' },
      },
    )['/sra-detective-configuration-role/Template/rConfigurationRole']).toEqual(['chainHalvesDisagree']);
  });

  test('the pipeline of the tools account and the roles of the dev and test accounts agree', () => {
    const found = findings(
      { file: 'refarch-tools-pipeline', account: TOOLS, parameters: { S3Bucket: 'artifacts', DevAccount: DEV, TestAccount: TEST, ProductionAccount: PRODUCTION, CMKARN: KEY, ProjectName: 'sample' } },
      { file: 'refarch-dev-codecommit', account: DEV, parameters: { ToolsAccount: TOOLS, CMKARN: KEY } },
      { file: 'refarch-test-deployer', account: TEST, parameters: { S3Bucket: 'artifacts', ToolsAccount: TOOLS, CMKARN: KEY } },
    );
    expect(Object.values(found).flat()).not.toContain('chainHalvesDisagree');
  });
});
