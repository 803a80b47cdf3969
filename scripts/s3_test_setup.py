#!/usr/bin/env python3
"""Prepares a fresh moto server for the S3 tests and proves that it checks signatures.

moto checks SigV4 only when IAM authentication is on: started with INITIAL_NO_AUTH_ACTION_COUNT=N, it lets the
first N requests through unauthenticated and authenticates (and authorises) every later one against its own IAM.
scripts/s3-test-server.sh starts it with N = len(SETUP_ACTIONS); this script spends exactly those N requests on
creating an IAM user, an allow-all policy and an access key, then, with that key, creates the test bucket and
checks that a request signed with a wrong secret gets 403 SignatureDoesNotMatch, one with an unknown key 403
InvalidAccessKeyId, and a correctly signed one 200. Any other outcome exits 1.

Prints the shell `export` lines for the key to stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

USER = "seedgate-tests"
# The unauthenticated requests setup makes, in order; the server is started with this many.
SETUP_ACTIONS = ("iam:CreateUser", "iam:PutUserPolicy", "iam:CreateAccessKey")
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
# One attempt per call: a retry would spend one of the unauthenticated requests, or hide a refusal.
NO_RETRIES = Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"})


def log(message: str) -> None:
    print(f"s3-test-setup: {message}", file=sys.stderr)


def client(service: str, endpoint: str, region: str, key_id: str, secret: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=NO_RETRIES,
    )


def create_access_key(endpoint: str, region: str) -> tuple[str, str]:
    """Spends the unauthenticated requests: a user with an allow-all inline policy, and its access key."""
    iam = client("iam", endpoint, region, "setup", "setup")
    iam.create_user(UserName=USER)
    iam.put_user_policy(UserName=USER, PolicyName="allow-all", PolicyDocument=json.dumps(ALLOW_ALL))
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def refusal(call) -> tuple[int, str]:
    """The HTTP status and S3 error code of a call expected to be refused (0, "" when it succeeds)."""
    try:
        call()
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]
    return 0, ""


def prove_signature_checking(endpoint: str, region: str, bucket: str, key_id: str, secret: str) -> None:
    good = client("s3", endpoint, region, key_id, secret)
    status = good.list_objects_v2(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
    log(f"correctly signed ListObjectsV2: HTTP {status}")
    wrong_secret = client("s3", endpoint, region, key_id, secret[:-4] + "XXXX")
    wrong = refusal(lambda: wrong_secret.list_objects_v2(Bucket=bucket))
    log(f"signed with a wrong secret: HTTP {wrong[0]} {wrong[1]}")
    unknown_key = client("s3", endpoint, region, "AKIAUNKNOWNKEY000000", secret)
    unknown = refusal(lambda: unknown_key.list_objects_v2(Bucket=bucket))
    log(f"signed with an unknown access key: HTTP {unknown[0]} {unknown[1]}")
    if status != 200 or wrong != (403, "SignatureDoesNotMatch") or unknown != (403, "InvalidAccessKeyId"):
        log("error: the server does not check signatures as expected")
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint")
    parser.add_argument("--region")
    parser.add_argument("--bucket")
    parser.add_argument("--print-setup-count", action="store_true", help="print len(SETUP_ACTIONS) and exit")
    args = parser.parse_args()
    if args.print_setup_count:
        print(len(SETUP_ACTIONS))
        return
    if not (args.endpoint and args.region and args.bucket):
        parser.error("--endpoint, --region and --bucket are required")
    key_id, secret = create_access_key(args.endpoint, args.region)
    s3 = client("s3", args.endpoint, args.region, key_id, secret)
    if args.region == "us-east-1":
        s3.create_bucket(Bucket=args.bucket)
    else:
        s3.create_bucket(Bucket=args.bucket, CreateBucketConfiguration={"LocationConstraint": args.region})
    log(f"created IAM user {USER}, access key {key_id} and bucket {args.bucket}")
    prove_signature_checking(args.endpoint, args.region, args.bucket, key_id, secret)
    print(f"export SEEDGATE_TEST_S3_ACCESS_KEY_ID={shlex.quote(key_id)}")
    print(f"export SEEDGATE_TEST_S3_SECRET_ACCESS_KEY={shlex.quote(secret)}")


if __name__ == "__main__":
    main()
