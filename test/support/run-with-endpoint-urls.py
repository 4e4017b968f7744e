"""Run a Python script with AWS_ENDPOINT_URL_<SERVICE> honoured, as botocore 1.31 and later do
themselves, so that an older botocore (such as Debian's) also sends its calls to the test's
fake endpoints. Usage: python3 run-with-endpoint-urls.py SCRIPT"""
import os
import runpy
import sys

import botocore.session

_create_client = botocore.session.Session.create_client


def _create_client_with_endpoint_url(self, service_name, *args, **kwargs):
    endpoint_url = os.environ.get("AWS_ENDPOINT_URL_" + service_name.upper().replace("-", "_"))
    if endpoint_url and len(args) < 5 and kwargs.get("endpoint_url") is None:
        kwargs["endpoint_url"] = endpoint_url
    return _create_client(self, service_name, *args, **kwargs)


botocore.session.Session.create_client = _create_client_with_endpoint_url
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
