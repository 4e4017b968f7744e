import { Rule, lengthAndCharacters } from './rule';

/**
 * The values of an AWS CLI / SDK profile and of a container's environment.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
 */

/** The characters that the SDK for JavaScript accepts in `[profile <name>]`; others make it skip the section. */
export const PROFILE_NAME: Rule<string> = {
  fault: value => (/^[\w@+.%:/-]+$/.test(value) && value !== '__proto__' ? undefined
    : 'a profile name is letters, digits and _ - @ + . % : / without whitespace or brackets, which the SDKs would not read'),
};

export const ROLE_SESSION_NAME: Rule<string> = {
  fault: lengthAndCharacters('a role session name is 2 to 64 characters of letters, digits and + = , . @ _ -', /[\w+=,.@-]/, 2, 64),
};

const MIN_DURATION_SECONDS = 900;
const MAX_CHAINED_DURATION_SECONDS = 3600;
/** The 12-hour cap of a session assumed with long-term credentials. */
const MAX_DURATION_SECONDS = 43200;

/**
 * The `durationSeconds` of a profile whose credentials are a role's session (role
 * chaining: a task role, an instance profile), which AWS caps at 1 hour.
 */
export const CHAINED_DURATION_SECONDS: Rule<number> = {
  fault: value => (Number.isInteger(value) && value >= MIN_DURATION_SECONDS && value <= MAX_CHAINED_DURATION_SECONDS ? undefined
    : `a session lasts a whole number of seconds from ${MIN_DURATION_SECONDS} (15 minutes) to ${MAX_CHAINED_DURATION_SECONDS} (1 hour): `
      + 'a role assumed with a task role\'s or instance profile\'s session (role chaining) gets at most 1 hour'),
};

/** The `durationSeconds` of a profile whose credentials may be long-term keys: up to 12 hours. */
export const DURATION_SECONDS: Rule<number> = {
  fault: value => (Number.isInteger(value) && value >= MIN_DURATION_SECONDS && value <= MAX_DURATION_SECONDS ? undefined
    : `a session lasts a whole number of seconds from ${MIN_DURATION_SECONDS} (15 minutes) to ${MAX_DURATION_SECONDS} (12 hours), `
      + 'and no longer than the role\'s maxSessionDuration'),
};

/** The start of a container's environment variables' names: a name of the task definition, so a literal. */
export const ENVIRONMENT_VARIABLE_PREFIX: Rule<string> = {
  fault: value => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
      return 'an environment variable prefix is letters, digits and _, not starting with a digit';
    }
    return /^AWS(?:_|$)/i.test(value)
      ? 'AWS_* variables are read by the AWS SDKs themselves (AWS_ROLE_ARN means web identity): choose another prefix'
      : undefined;
  },
  literalOnly: true,
};
