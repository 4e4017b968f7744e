import { Component, awscdk } from 'projen';
import { offlineCdk, quietJsii, quietSdk } from './environment';

/** The runs of scripts/ that are not tests: the README's demo, and the benchmark. */
export class DemoAndBench extends Component {
  constructor(project: awscdk.AwsCdkConstructLibrary) {
    super(project);
    project.addTask('demo', {
      description: 'Synthesize the seed walkthrough with the aws-cdk CLI (offline) and show that the chain works',
      env: { ...quietJsii, ...offlineCdk, ...quietSdk, TS_NODE_TRANSPILE_ONLY: 'true' },
      exec: 'ts-node --project tsconfig.dev.json scripts/demo.ts',
    });
    project.addTask('bench', {
      description: 'Compare synth time and policy sizes of the library with plain aws-cdk-lib roles (not part of the tests)',
      env: { ...quietJsii, TS_NODE_TRANSPILE_ONLY: 'true' },
      exec: 'ts-node --project tsconfig.dev.json scripts/bench.ts',
    });
  }
}
