import { Component, awscdk } from 'projen';

/**
 * The doctor command ships as one minified bundle with its AWS SDK clients inside: nothing in src/ imports it,
 * so the constructs never load the SDK, and no SDK package becomes a dependency of any jsii language.
 */
export class DoctorBundle extends Component {
  constructor(project: awscdk.AwsCdkConstructLibrary) {
    super(project);
    // The doctor command's AWS SDK clients: esbuild bundles them into lib/doctor/cli.js, so none is a runtime dependency.
    project.addDevDeps('@aws-sdk/client-iam@^3', 'esbuild@^0.28');
    project.addBins({ 'cdk-cross-account-task-roles': 'lib/doctor/cli.js' });
    const bundleDoctor = project.addTask('bundle:doctor', {
      description: 'Bundle the doctor command (doctor/cli.ts) into lib/doctor/cli.js',
      exec: 'esbuild doctor/cli.ts --bundle --platform=node --target=node20 --format=cjs --minify '
        + '--main-fields=module,main --legal-comments=none --banner:js="#!/usr/bin/env node" --outfile=lib/doctor/cli.js',
    });
    project.postCompileTask.spawn(bundleDoctor);
  }
}
