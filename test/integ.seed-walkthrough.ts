/**
 * The seed walkthrough deployed to two real accounts, checked with STS.
 *
 * `npx projen test` only compares a new synthesis with the committed snapshot in
 * `integ.seed-walkthrough.ts.snapshot/` (offline), and only the test-case stacks:
 * integ-runner writes the assertions stack there but never compares it.
 * `npx projen integ:update` with credentials of the source account, and
 * INTEG_SOURCE_ACCOUNT / INTEG_DESTINATION_ACCOUNT set to two accounts of yours,
 * deploys SourceStack, then DestinationStack, then the assertions stack (in the
 * source account), and destroys them in reverse order.
 *
 * Every stack names us-east-1: the destination template holds the source role's
 * ARN as a literal, so both accounts must be explicit, and a stack with an explicit
 * account needs a Region too.
 */
import { ActualResult, ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { DESTINATION_ACCOUNT, REGION, SOURCE_ACCOUNT, createSeedWalkthrough } from '../examples/seed-walkthrough';
import { CrossAccountAccess } from '../src';

/**
 * The role of the function that asks STS who it is once it has assumed the
 * destination role. It exists only in this test app.
 */
const CALLER_ROLE_NAME = 'seed-walkthrough-integ-caller';

/**
 * `getCallerIdentity`'s `Account` and `Arn` as one JSON object. The assertion
 * handler parses the actual value as JSON, so a bare account ID would become a
 * number and never equal the string `'555566667777'`.
 */
class CallerIdentity extends ActualResult {
  public readonly result: string;

  constructor(call: AwsCustomResource) {
    super();
    this.result = Stack.of(call).toJsonString({
      Account: call.getResponseField('Account'),
      Arn: call.getResponseField('Arn'),
    });
  }
}

// Real runs name two accounts of yours; the snapshot is made with the walkthrough's.
const sourceAccount = process.env.INTEG_SOURCE_ACCOUNT ?? SOURCE_ACCOUNT;
const destinationAccount = process.env.INTEG_DESTINATION_ACCOUNT ?? DESTINATION_ACCOUNT;

const app = new App();
const { source, destination } = createSeedWalkthrough(app, { sourceAccount, destinationAccount });

// The walkthrough's caller is an ECS task, which needs a cluster with capacity to
// run. A Lambda function stands in for it, with the same two halves of the chain
// built by this library: an identity policy that allows sts:AssumeRole on exactly
// the destination role's ARN, and one more ARN in that role's trust policy. No
// default of the library is loosened: the task role is untouched and the
// destination role still trusts named roles only.
//
// The caller role lives in SourceStack, not in the assertions stack: in
// TrustMode.ROLE_ARN IAM refuses a trust policy that names a role that does not
// exist yet, so it must be deployed before DestinationStack (the library makes
// DestinationStack depend on SourceStack for that), and the assertions stack is
// deployed last.
const callerRole = new iam.Role(source, 'IntegCallerRole', {
  roleName: CALLER_ROLE_NAME,
  description: `Integration test only: assumes destination-account-role in ${destinationAccount} and calls sts:GetCallerIdentity`,
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  // Logs only, so that a failed assertion can be read in CloudWatch.
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
});
const callerAccess = new CrossAccountAccess(source, 'IntegCallerAccess', {
  role: callerRole,
  destinationRoles: [destination.destinationRole.reference],
});
destination.destinationRole.addTrustedRole(callerAccess.reference);

// The assertions run in the source account, whose caller assumes the role.
const assertions = new Stack(app, 'SeedWalkthroughAssertions', {
  env: { account: sourceAccount, region: REGION },
});
// integ-runner deploys the test cases before the assertions stack, but destroys
// all stacks in dependency order: the custom resource's function needs the caller
// role (SourceStack) until it is deleted.
assertions.addDependency(source, 'the assertion function runs as the caller role of SourceStack');
assertions.addDependency(destination, 'the assertion assumes the destination role');

// integ-tests-alpha 2.245.0-alpha.0 has no assumeRoleArn option on awsApiCall:
// its provider always calls with its own role, whose name is generated and so
// cannot be named in the destination's trust policy. AwsCustomResource can call
// with an assumed role, and runs as the caller role given here, with no other policy.
const callerIdentity = new AwsCustomResource(assertions, 'DestinationCallerIdentity', {
  onCreate: {
    service: 'STS',
    action: 'getCallerIdentity',
    assumedRoleArn: destination.destinationRole.reference.roleArn,
    physicalResourceId: PhysicalResourceId.of('seed-walkthrough-destination-caller-identity'),
    outputPaths: ['Account', 'Arn'],
  },
  role: iam.Role.fromRoleName(assertions, 'CallerRole', CALLER_ROLE_NAME, { mutable: false }),
  installLatestAwsSdk: false,
});

const integ = new IntegTest(app, 'SeedWalkthrough', {
  testCases: [source, destination],
  assertionStack: assertions,
  // IAM names are global to an account: run once, in the Region the stacks name.
  regions: [REGION],
});
integ.assertions.expect('DestinationRoleCredentials',
  ExpectedResult.objectLike({
    Account: destinationAccount,
    Arn: Match.stringLikeRegexp(`^arn:aws[a-z-]*:sts::${destinationAccount}:assumed-role/destination-account-role/`),
  }),
  new CallerIdentity(callerIdentity));
