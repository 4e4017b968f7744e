import { Component, awscdk } from 'projen';
import { quietSdk } from './environment';

/** What `build` and `test` check besides jest and eslint: the examples compile, and every file type-checks. */
export class Checks extends Component {
  constructor(project: awscdk.AwsCdkConstructLibrary) {
    super(project);

    // Every example in README.md and in docstrings must compile (strict rosetta).
    const rosetta = project.addTask('rosetta:extract', {
      description: 'Compile the examples of README.md and the docstrings',
      exec: 'jsii-rosetta extract --strict',
    });
    project.postCompileTask.spawn(rosetta);

    // ts-jest compiles each file alone (isolatedModules) and esbuild bundles the doctor without checking it: without
    // this step nothing checks the types of doctor/, test/, scripts/, tools/, examples/ or projenrc/. First in `test`,
    // the README's test command, so that a type error fails it before the tests run.
    const typecheck = project.addTask('typecheck', {
      description: 'Type-check every TypeScript file: src, test, doctor, scripts, tools, examples and projenrc (tsconfig.dev.json)',
      exec: 'tsc -p tsconfig.dev.json --noEmit',
    });
    project.testTask.prependSpawn(typecheck);

    for (const [name, value] of Object.entries(quietSdk)) {
      project.testTask.env(name, value);
    }
    for (const name of ['integ', 'integ:update']) {
      project.tasks.tryFind(name)?.env('TS_NODE_TRANSPILE_ONLY', 'true');
    }
  }
}
