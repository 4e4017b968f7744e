import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromContainerMetadata, fromTemporaryCredentials } from '@aws-sdk/credential-providers';

// The destination role, assumed with the task role's credentials. The SDK calls
// sts:AssumeRole on first use and again shortly before the session expires.
const destinationCredentials = fromTemporaryCredentials({
  masterCredentials: fromContainerMetadata(),
  params: {
    RoleArn: process.env.CROSS_ACCOUNT_ROLE_ARN,
    ExternalId: process.env.CROSS_ACCOUNT_EXTERNAL_ID, // not sent when the variable is not set
    RoleSessionName: 'cross-account',
  },
});

// Only the clients given these credentials act in the destination account, for example
// new S3Client({ credentials: destinationCredentials }). Every other client keeps the task role.
const inDestinationAccount = new STSClient({ credentials: destinationCredentials });
const inTaskAccount = new STSClient({});

console.log('task role:       ', (await inTaskAccount.send(new GetCallerIdentityCommand({}))).Arn);
console.log('destination role:', (await inDestinationAccount.send(new GetCallerIdentityCommand({}))).Arn);
