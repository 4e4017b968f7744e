/**
 * The seed walkthrough as if deployed, behind the fake IAM and STS, with one
 * credentials profile per account: what the doctor's tests and the demo run against.
 */
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT } from './accounts';
import { FakeAws, FakeIdentity, fakeRolesOf, startFakeAws } from './fake-iam';
import { StackTemplate } from './template-roles';

export const SOURCE_ROLE_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:role/my-ECS-task-role`;
export const DESTINATION_ROLE_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/destination-account-role`;

/** A session of the task role itself, as inside the task: what `--assume` needs. */
export const SOURCE_IDENTITY: FakeIdentity = {
  profile: 'source',
  accessKeyId: 'AKIASOURCEACCOUNT001',
  secretAccessKey: 'source-secret-do-not-print',
  account: SOURCE_ACCOUNT,
  arn: `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/my-ECS-task-role/doctor`,
};

/** An administrator of the source account: may read, but its AssumeRole would not prove the chain. */
const SOURCE_ADMIN_IDENTITY: FakeIdentity = {
  profile: 'source-admin',
  accessKeyId: 'AKIASOURCEADMIN00001',
  secretAccessKey: 'source-admin-secret-do-not-print',
  account: SOURCE_ACCOUNT,
  arn: `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/Admin/doctor`,
};

export const DESTINATION_IDENTITY: FakeIdentity = {
  profile: 'destination',
  accessKeyId: 'AKIADESTINATION00001',
  secretAccessKey: 'destination-secret-do-not-print',
  account: DESTINATION_ACCOUNT,
  arn: `arn:aws:sts::${DESTINATION_ACCOUNT}:assumed-role/Admin/doctor`,
};

export const OTHER_IDENTITY: FakeIdentity = {
  profile: 'other',
  accessKeyId: 'AKIAOTHERACCOUNT0001',
  secretAccessKey: 'other-secret-do-not-print',
  account: OTHER_ACCOUNT,
  arn: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Admin/doctor`,
};

/** Every secret the fakes hand out: none may appear in the doctor's output. */
export const SECRETS = [
  SOURCE_IDENTITY.secretAccessKey, SOURCE_ADMIN_IDENTITY.secretAccessKey, DESTINATION_IDENTITY.secretAccessKey, OTHER_IDENTITY.secretAccessKey,
  'assumed-session-secret-do-not-print', 'assumed-session-token-do-not-print', 'ASIAASSUMEDBYDOCTOR1',
];

/** Starts the fakes with the roles of `stacks` deployed. */
export function startDeployedAccounts(stacks: readonly StackTemplate[]): Promise<FakeAws> {
  return startFakeAws({
    identities: [SOURCE_IDENTITY, SOURCE_ADMIN_IDENTITY, DESTINATION_IDENTITY, OTHER_IDENTITY],
    roles: fakeRolesOf(stacks),
  });
}
