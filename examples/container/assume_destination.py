import os

import boto3
import botocore.session
from botocore.credentials import CredentialProvider, RefreshableCredentials


class DestinationRole(CredentialProvider):
    """The destination role, assumed with the task role's credentials. botocore calls
    sts:AssumeRole on first use and again shortly before the session expires."""

    METHOD = "cross-account-assume-role"

    def __init__(self, task_session):
        self._sts = task_session.client("sts")
        self._params = {"RoleArn": os.environ["CROSS_ACCOUNT_ROLE_ARN"], "RoleSessionName": "cross-account"}
        if os.environ.get("CROSS_ACCOUNT_EXTERNAL_ID"):
            self._params["ExternalId"] = os.environ["CROSS_ACCOUNT_EXTERNAL_ID"]

    def _assume_role(self):
        credentials = self._sts.assume_role(**self._params)["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    def load(self):
        return RefreshableCredentials.create_from_metadata(self._assume_role(), self._assume_role, self.METHOD)


def destination_session(task_session):
    """A boto3 session whose clients act as the destination role."""
    botocore_session = botocore.session.get_session()
    botocore_session.get_component("credential_provider").insert_before("env", DestinationRole(task_session))
    return boto3.Session(botocore_session=botocore_session)


# Only the clients of this session act in the destination account, for example
# in_destination_account.client("s3"). Every other client keeps the task role.
in_task_account = boto3.Session()
in_destination_account = destination_session(in_task_account)

print("task role:       ", in_task_account.client("sts").get_caller_identity()["Arn"])
print("destination role:", in_destination_account.client("sts").get_caller_identity()["Arn"])
