/** Environment variables that several tasks set. */

/** jsii's notice about the end of life of Node 20, which the project still supports. */
export const quietJsii = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };

/** The aws-cdk CLI without telemetry, and ts-node with the project's dev configuration, for the examples' apps. */
export const offlineCdk = { CDK_DISABLE_CLI_TELEMETRY: 'true', TS_NODE_PROJECT: 'tsconfig.dev.json' };

/** The doctor's tests and the demo run the AWS SDK on Node 20: silence its notice about Node versions. */
export const quietSdk = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
