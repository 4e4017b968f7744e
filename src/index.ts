export * from './role-reference';
export * from './role-options';
export * from './cross-account-task-role';
export * from './trusted-destination-role';
export * from './cross-account-access';
export * from './task-execution-role';
export * from './aws-config-profile';
export * from './organization-roles';
