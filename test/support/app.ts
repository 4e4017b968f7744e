import { App, Stack } from 'aws-cdk-lib';

export const SOURCE_ACCOUNT = '111122223333';
export const DESTINATION_ACCOUNT = '555566667777';
export { OTHER_ACCOUNT } from '../../tools/iam-offline/accounts';

/** A fresh app without version reporting, so that templates hold only what the test builds. */
export function newApp(): App {
  return new App({ analyticsReporting: false });
}

export function sourceStack(app: App = newApp(), id = 'SourceStack'): Stack {
  return new Stack(app, id, { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
}

export function destinationStack(app: App = newApp(), id = 'DestinationStack'): Stack {
  return new Stack(app, id, { env: { account: DESTINATION_ACCOUNT, region: 'us-east-1' } });
}

/** What a library ARN renders to in a template: `arn:${AWS::Partition}` followed by `rest`. */
export function partitionArn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}

/** The trust policy of an ECS role with the confused-deputy guard, in the source stack's account and Region. */
export function guardedEcsTrust() {
  return {
    Statement: [{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT },
        ArnLike: { 'aws:SourceArn': partitionArn(`:ecs:us-east-1:${SOURCE_ACCOUNT}:*`) },
      },
    }],
  };
}
