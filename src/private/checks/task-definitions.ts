import { Stack, Token, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';

/**
 * Refuses, once the app is complete, each task definition of the app that uses
 * the given task role where ECS could not use it: from a stack of another
 * account, or, with the confused-deputy guard on, of another Region than the
 * role's stack. Both synthesize and deploy; the task would fail to start.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
 */
export function addTaskDefinitionChecks(role: iam.IRole, confusedDeputyGuard: boolean): void {
  role.node.addValidation({
    validate: () => role.node.root.node.findAll()
      .filter((construct): construct is ecs.TaskDefinition => construct instanceof ecs.TaskDefinition && construct.taskRole === role)
      .flatMap(task => taskDefinitionErrors(role, task, confusedDeputyGuard)),
  });
}

function taskDefinitionErrors(role: iam.IRole, task: ecs.TaskDefinition, confusedDeputyGuard: boolean): string[] {
  const roleStack = Stack.of(role);
  const taskStack = Stack.of(task);
  if (differ(roleStack.account, taskStack.account)) {
    return [`is the taskRole of ${task.node.path}, whose stack ${taskStack.stackName} deploys to account ${taskStack.account}, `
      + `but this role's stack ${roleStack.stackName} deploys to account ${roleStack.account}: ECS gives a task only a role of `
      + 'the task definition\'s own account (passing a role to a service needs iam:PassRole, which does not cross accounts). '
      + `Create the CrossAccountTaskRole in a stack of account ${taskStack.account}; the role of account ${roleStack.account} `
      + 'that the task assumes is a TrustedDestinationRole there'];
  }
  if (confusedDeputyGuard && differ(roleStack.region, taskStack.region)) {
    return [`is the taskRole of ${task.node.path}, whose stack ${taskStack.stackName} deploys to Region ${taskStack.region}, `
      + `but the role's confused-deputy guard admits only ECS tasks of ${roleStack.region} `
      + `(aws:SourceArn arn:<partition>:ecs:${roleStack.region}:${roleStack.account}:*), so the task would fail to start `
      + '("ECS was unable to assume the role"). Create a CrossAccountTaskRole in a stack of '
      + `${taskStack.region} for the tasks of that Region, and add it to the trusted roles of its destinations`];
  }
  return [];
}

/** Whether two values are known at synth and different. */
function differ(a: string, b: string): boolean {
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}
