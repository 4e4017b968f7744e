"""Calls AWS as a profile of the AWS config file, as an application in the container or on the
instance does with boto3.Session(profile_name=...): botocore reads role_arn, credential_source and
external_id, gets the source credentials (container endpoint or instance metadata) and assumes the
role. Prints, as JSON, one outcome per call: {"allowed": true, "result": ...} or
{"allowed": false, "code": "AccessDenied"}.

Usage: python3 use_profile.py PROFILE '[["sts", "get_caller_identity", {}], ["s3", "list_buckets", {}]]'
"""
import json
import sys

import boto3
import botocore.exceptions


def outcome(client, operation, params):
    try:
        result = getattr(client, operation)(**params)
    except botocore.exceptions.ClientError as error:
        return {"allowed": False, "code": error.response["Error"]["Code"]}
    result.pop("ResponseMetadata", None)
    if "Body" in result:
        result["Body"] = result["Body"].read().decode("utf-8")
    return {"allowed": True, "result": result}


profile, calls = sys.argv[1], json.loads(sys.argv[2])
session = boto3.Session(profile_name=profile)
outcomes = [outcome(session.client(service), operation, params) for service, operation, params in calls]
print(json.dumps(outcomes, default=str))
