#!/usr/bin/env python3
"""Validates errlens's SARIF and GitLab Code Quality output against their schemas.

SARIF: the SARIF 2.1.0 schema (tests/schemas/sarif-2.1.0.json, from Microsoft's
SARIF Multitool). Code Quality: the format GitLab documents
(tests/schemas/gitlab-codequality.schema.json). Both with Python's jsonschema
(Debian's python3-jsonschema). Runs the real binary on real failed logs and on
the CI fixture, in English and Chinese, and checks that fingerprints are stable
across runs and distinct within a report.

usage: validate_ci_outputs.py ERRLENS_BINARY SOURCE_DIR
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import jsonschema


# The --catalog cache goes to a temporary directory, not the user's ~/.cache.
CACHE_DIR = tempfile.mkdtemp(prefix="errlens-ci-outputs-cache-")


def run(binary, args):
    env = dict(os.environ, ERRLENS_CACHE_DIR=CACHE_DIR)
    proc = subprocess.run([binary, *args], capture_output=True, text=True, env=env)
    if proc.returncode not in (0, 1):
        sys.exit(f"errlens {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return json.loads(proc.stdout)


def main():
    binary, source = sys.argv[1], pathlib.Path(sys.argv[2])
    schemas = source / "tests/schemas"
    sarif_schema = json.loads((schemas / "sarif-2.1.0.json").read_text())
    cq_schema = json.loads((schemas / "gitlab-codequality.schema.json").read_text())
    sarif_validator = jsonschema.Draft202012Validator(
        sarif_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    cq_validator = jsonschema.Draft7Validator(cq_schema)

    inputs = [
        ["--no-builtin", "--catalog", str(source / "tests/data/ci/records.json"),
         "scan", str(source / "tests/data/ci/failed-deploy.log")],
        ["scan", *sorted(str(p) for p in (source / "tests/failed").glob("*.log"))],
        ["CrashLoopBackOff: Back-off restarting failed container api"],
    ]
    passed = 0
    failures = 0

    def check(ok, message):
        nonlocal passed, failures
        if ok:
            passed += 1
        else:
            failures += 1
            print("FAIL " + message)

    for args in inputs:
        for lang in ("en", "zh"):
            sarif = run(binary, ["--lang", lang, "--format", "sarif", *args])
            cq = run(binary, ["--lang", lang, "--format", "gitlab", *args])
            for name, validator, doc in (("SARIF", sarif_validator, sarif),
                                         ("Code Quality", cq_validator, cq)):
                errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
                details = "; ".join(f"/{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])
                check(not errors, f"{name} {lang} {args[-1]}: {details}")
            check(sarif["runs"][0]["results"] and cq, f"{lang} {args[-1]}: no diagnosis to check")
            prints = [f["fingerprint"] for f in cq]
            check(len(prints) == len(set(prints)), f"{lang} {args[-1]}: shared fingerprints {prints}")
            again = run(binary, ["--lang", lang, "--format", "gitlab", *args])
            check([f["fingerprint"] for f in again] == prints,
                  f"{lang} {args[-1]}: fingerprints changed between two runs")
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        status = main()
    finally:
        shutil.rmtree(CACHE_DIR, ignore_errors=True)
    sys.exit(status)
