import { Component, awscdk } from 'projen';

/**
 * One TypeScript library, five languages. The release workflow publishes each package; the
 * Python package is also built by .ci/run (scripts/check-python-package.sh), Java, .NET and Go are not
 * (their toolchains need downloads).
 */
export const publishing: Pick<awscdk.AwsCdkConstructLibraryOptions, 'publishToPypi' | 'publishToMaven' | 'publishToNuget' | 'publishToGo'> = {
  publishToPypi: {
    distName: 'cdk-cross-account-task-roles',
    module: 'cdk_cross_account_task_roles',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkcrossaccounttaskroles',
    mavenGroupId: 'io.github.cdkcrossaccounttaskroles',
    mavenArtifactId: 'cdk-cross-account-task-roles',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkCrossAccountTaskRoles',
    packageId: 'CdkCrossAccountTaskRoles',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-cross-account-task-roles/cdk-cross-account-task-roles',
    packageName: 'cdkcrossaccounttaskroles',
  },
};

/**
 * `npx projen build` packages JavaScript only, also outside CI: the Java, .NET and Go toolchains
 * download their dependencies. `npx projen package-all` (or one `package:<language>`) builds the others.
 */
export class Packaging extends Component {
  constructor(project: awscdk.AwsCdkConstructLibrary) {
    super(project);
    const packageTask = project.tasks.tryFind('package')!;
    packageTask.reset();
    // jsii-pacmak packs what was compiled (.jsii, lib/): on a clean clone, `npx projen package` alone compiles first,
    // as `build` does before packing. Once compiled, it packs as it is, without compiling again.
    const compileIfNeeded = project.addTask('compile:if-needed', {
      description: 'Compile, with the post-compile steps, when nothing was compiled yet (no .jsii), so that packaging works alone',
      condition: 'node -e "process.exit(require(\'fs\').existsSync(\'.jsii\') ? 1 : 0)"',
    });
    compileIfNeeded.spawn(project.compileTask);
    compileIfNeeded.spawn(project.postCompileTask);
    packageTask.spawn(compileIfNeeded);
    packageTask.spawn(project.tasks.tryFind('package:js')!);
    project.tasks.tryFind('package-all')!.prependSpawn(compileIfNeeded);
  }
}
