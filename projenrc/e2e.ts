import { Component, awscdk } from 'projen';
import { quietJsii, quietSdk } from './environment';

/**
 * The end-to-end test alone (it also runs in `test`): the packed library deployed with the README's
 * commands into two accounts of moto, an AWS emulator on a loopback port, then used as the README shows.
 */
export class EndToEnd extends Component {
  constructor(project: awscdk.AwsCdkConstructLibrary) {
    super(project);
    project.addTask('e2e', {
      description: 'Deploy the packed library into two accounts of a local AWS emulator (moto) and use each chain (part of test)',
      env: { ...quietJsii, ...quietSdk },
      exec: 'jest --ci --coverage=false --verbose test/e2e',
      receiveArgs: true,
    });
  }
}
