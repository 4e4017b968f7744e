import { App, Stack } from 'aws-cdk-lib';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from './app';
import {
  CrossAccountTaskRole, CrossAccountTaskRoleProps, RoleReference, TrustedDestinationRole, TrustedDestinationRoleProps,
} from '../../src';

/** The walkthrough's task role, my-ECS-task-role of the source account, named by its ARN's parts. */
export const MY_ECS_TASK_ROLE = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });

/** The walkthrough's destination role, destination-account-role of the destination account, named by its ARN's parts. */
export const DESTINATION_ACCOUNT_ROLE = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' });

export interface WalkthroughOptions {
  /** The app to build in (one with Aspects or context, for example). */
  readonly app?: App;
  /** Props of the task role, each in place of the walkthrough's. */
  readonly taskRole?: Partial<CrossAccountTaskRoleProps>;
  /** Props of the destination role, each in place of the walkthrough's. */
  readonly destinationRole?: Partial<TrustedDestinationRoleProps>;
}

export interface Walkthrough {
  readonly app: App;
  readonly source: Stack;
  readonly destination: Stack;
  readonly taskRole: CrossAccountTaskRole;
  readonly destinationRole: TrustedDestinationRole;
}

/**
 * The walkthrough's two halves in one app: `SourceStack/TaskRole` (my-ECS-task-role, account
 * 111122223333), whose destination is `DestinationStack/DestinationRole` (destination-account-role,
 * account 555566667777), which trusts the task role by its reference. Both stacks are in us-east-1.
 */
export function walkthrough(options: WalkthroughOptions = {}): Walkthrough {
  const app = options.app ?? newApp();
  const source = sourceStack(app);
  const destination = destinationStack(app);
  const taskRole = new CrossAccountTaskRole(source, 'TaskRole', {
    roleName: 'my-ECS-task-role',
    destinationRoles: [DESTINATION_ACCOUNT_ROLE],
    ...options.taskRole,
  });
  const destinationRole = new TrustedDestinationRole(destination, 'DestinationRole', {
    roleName: 'destination-account-role',
    trustedRoles: [taskRole.reference],
    ...options.destinationRole,
  });
  return { app, source, destination, taskRole, destinationRole };
}
