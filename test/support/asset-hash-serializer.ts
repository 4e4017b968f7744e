/**
 * A jest snapshot serializer that replaces asset hashes (64 hex characters) so that
 * snapshots survive upgrades of aws-cdk-lib that change how assets are hashed.
 */
const ASSET_HASH = /[0-9a-f]{64}/;

export function test(value: unknown): boolean {
  return typeof value === 'string' && ASSET_HASH.test(value);
}

export function serialize(value: string): string {
  return JSON.stringify(value.replace(new RegExp(ASSET_HASH.source, 'g'), '[ASSET HASH]'));
}
