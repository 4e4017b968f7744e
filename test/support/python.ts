import { execFileSync } from 'child_process';
import { join } from 'path';

/** Runs a Python script with AWS_ENDPOINT_URL_<SERVICE> honoured, also by a botocore older than 1.31 (Debian's). */
export const RUN_PYTHON = join(__dirname, 'run-with-endpoint-urls.py');

/** A python3 with boto3: $PYTHON, the system's (Debian's python3-boto3), or the one on PATH. */
export function pythonWithBoto3(): string | undefined {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  return candidates.find(candidate => {
    try {
      execFileSync(candidate, ['-c', 'import boto3'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

export const NO_BOTO3 = 'no python3 with boto3: install python3-boto3 (apt-get install python3-boto3) or set PYTHON';
