"""Static checks of the Kubernetes manifests in deploy/k8s.

Without a cluster (and without relying on kubectl or kustomize being installed):

- every file in base/ and the overlays is one Kubernetes object, valid against the
  Kubernetes schemas (kubernetes-validate, strict: unknown fields are errors);
- each overlay is rendered by a small Kustomize subset in pure Python (resources,
  namespace, images, configMapGenerator, inline JSON patches; any other Kustomize feature
  is refused, so the subset cannot silently render something else) and every rendered
  object is validated again;
- the rendered objects meet the rules of deploy/README.md: probes on the health
  endpoints, resources, non-root, secrets only by reference, an HPA and a Service per
  Deployment, settings that exist, a rollout file registration accepts;
- the Strimzi KafkaTopics (custom resources, no core schema) get a structural check and
  must match shared/src/shared/topics.py and the Compose topic settings.

Where kubectl is installed, its built-in Kustomize renders the overlays too and must
agree with the pure-Python rendering.
"""

from __future__ import annotations

import copy
import importlib
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes_validate import utils as kv

from shared import topics

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
OVERLAYS = K8S / "overlays"
KAFKA_TOPICS = K8S / "kafka-topics"
README = ROOT / "deploy" / "README.md"

KUBERNETES_VERSION = "1.30.0"
"""The oldest Kubernetes the manifests are meant for; the installed kubernetes-validate
ships its schemas (1.25 and later)."""

SERVICES = ("registration", "lottery", "notifications", "reporting")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|DATABASE_URL|API_KEY|PRIVATE_KEY")
KUSTOMIZE_SUBSET = {
    "apiVersion",
    "kind",
    "namespace",
    "resources",
    "images",
    "configMapGenerator",
    "patches",
}


def overlay_names() -> list[str]:
    return sorted(p.name for p in OVERLAYS.iterdir() if (p / "kustomization.yaml").is_file())


def load_documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


def manifest_files() -> list[Path]:
    """Every YAML file of base/ and the overlays except the kustomization files."""
    files = [
        p
        for folder in (BASE, OVERLAYS)
        for p in sorted(folder.rglob("*"))
        if p.suffix in (".yaml", ".yml") and p.name != "kustomization.yaml"
    ]
    assert files
    return files


def validate(obj: dict[str, Any]) -> None:
    """Strict schema validation; raises on an invalid object or an unknown kind."""
    kv.validate(obj, KUBERNETES_VERSION, strict=True)


def settings_of(service: str) -> Any:
    return importlib.import_module(f"{service}.settings").Settings


def setting_names(service: str) -> set[str]:
    settings = settings_of(service)
    prefix = settings.model_config["env_prefix"]
    return {prefix + field.upper() for field in settings.model_fields}


# --------------------------------------------------------------------------- rendering


def _pointer(path: str) -> list[str]:
    assert path.startswith("/"), path
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def apply_json_patch(obj: dict[str, Any], operations: list[dict[str, Any]]) -> None:
    """RFC 6902 add, replace and remove (what the overlays use)."""
    for op in operations:
        *parents, last = _pointer(op["path"])
        node: Any = obj
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        kind = op["op"]
        if isinstance(node, list):
            index = len(node) if last == "-" else int(last)
            if kind == "add":
                node.insert(index, op["value"])
            elif kind == "replace":
                node[index] = op["value"]
            elif kind == "remove":
                del node[index]
            else:
                raise AssertionError(f"unsupported patch operation {kind}")
        else:
            if kind in ("replace", "remove"):
                assert last in node, f"{op['path']} does not exist"
            if kind in ("add", "replace"):
                node[last] = op["value"]
            elif kind == "remove":
                del node[last]
            else:
                raise AssertionError(f"unsupported patch operation {kind}")


def render(directory: Path) -> list[dict[str, Any]]:
    """The objects ``kustomize build directory`` yields, for the subset the repository
    uses (generated names without their hash suffix)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text("utf-8"))
    unsupported = set(kustomization) - KUSTOMIZE_SUBSET
    assert not unsupported, (
        f"{directory}: Kustomize features the tests cannot render: {sorted(unsupported)}"
    )
    objects: list[dict[str, Any]] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        assert path.exists(), f"{directory}: resource {entry} does not exist"
        objects += render(path) if path.is_dir() else load_documents(path)

    for generator in kustomization.get("configMapGenerator", []):
        assert set(generator) <= {"name", "files", "behavior"}, generator
        data = {}
        for entry in generator["files"]:
            key, _, file = entry.rpartition("=")
            source = directory / file
            assert source.resolve().is_relative_to(directory.resolve()), (
                f"{entry}: Kustomize reads generator files only below the kustomization"
            )
            data[key or Path(file).name] = source.read_text(encoding="utf-8")
        generated = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": generator["name"]},
            "data": data,
        }
        existing = [
            i
            for i, o in enumerate(objects)
            if o["kind"] == "ConfigMap" and o["metadata"]["name"] == generator["name"]
        ]
        behavior = generator.get("behavior", "create")
        if behavior == "create":
            assert not existing, f"{generator['name']} exists already: use behavior: replace"
            objects.append(generated)
        elif behavior == "replace":
            assert len(existing) == 1, f"{generator['name']}: nothing to replace"
            # Kustomize keeps the replaced object's metadata (namespace) and swaps the data.
            objects[existing[0]]["data"] = data
        else:
            raise AssertionError(f"unsupported generator behavior {behavior}")

    for patch in kustomization.get("patches", []):
        assert set(patch) == {"target", "patch"}, "only inline JSON patches with a target"
        target = patch["target"]
        assert set(target) <= {"kind", "name"}, target
        matches = [
            o
            for o in objects
            if o["kind"] == target["kind"] and o["metadata"]["name"] == target["name"]
        ]
        assert len(matches) == 1, f"patch target {target} matches {len(matches)} objects"
        apply_json_patch(matches[0], yaml.safe_load(patch["patch"]))

    for image in kustomization.get("images", []):
        used = False
        for obj in objects:
            for container in pod_containers(obj):
                name, _, tag = container["image"].partition(":")
                if name == image["name"]:
                    used = True
                    container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"
        assert used, f"image {image['name']} is used by no container"

    if namespace := kustomization.get("namespace"):
        for obj in objects:
            if obj["kind"] == "Namespace":
                assert obj["metadata"]["name"] == namespace
            else:
                obj["metadata"]["namespace"] = namespace
    return objects


@cache
def _rendered(overlay: str) -> list[dict[str, Any]]:
    return render(OVERLAYS / overlay)


def rendered(overlay: str) -> list[dict[str, Any]]:
    return copy.deepcopy(_rendered(overlay))


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    if obj.get("kind") not in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return []
    spec = obj["spec"]["template"]["spec"]
    containers: list[dict[str, Any]] = spec.get("containers", []) + spec.get("initContainers", [])
    return containers


# --------------------------------------------------------------------------- rules


def deployment_problems(deployment: dict[str, Any]) -> list[str]:
    """What deploy/README.md promises of every Deployment, as a list of violations."""
    problems: list[str] = []
    name = deployment["metadata"]["name"]
    pod = deployment["spec"]["template"]["spec"]
    pod_security = pod.get("securityContext", {})
    for container in pod["containers"]:
        where = f"{name}/{container['name']}"
        ports = {p.get("name") for p in container.get("ports", [])} | {
            p["containerPort"] for p in container.get("ports", [])
        }
        for probe, path in (("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready")):
            http = container.get(probe, {}).get("httpGet", {})
            if http.get("path") != path:
                problems.append(f"{where}: {probe} must GET {path}")
            elif http.get("port") not in ports:
                problems.append(f"{where}: {probe} port {http.get('port')} is not exposed")
        resources = container.get("resources", {})
        for bound in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in resources.get(bound, {}):
                    problems.append(f"{where}: no {bound}.{resource}")
        security = container.get("securityContext", {})
        if security.get("runAsNonRoot", pod_security.get("runAsNonRoot")) is not True:
            problems.append(f"{where}: runAsNonRoot is not true")
        if security.get("runAsUser", pod_security.get("runAsUser")) == 0:
            problems.append(f"{where}: runs as user 0")
        if security.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation is not false")
        if container["image"].endswith(":latest") or ":" not in container["image"]:
            problems.append(f"{where}: image without a pinned tag")
        for env in container.get("env", []):
            if SECRET_NAME.search(env["name"]):
                if "value" in env:
                    problems.append(f"{where}: {env['name']} is a literal, not a reference")
                elif "secretKeyRef" not in env.get("valueFrom", {}):
                    problems.append(f"{where}: {env['name']} is not taken from a Secret")
        for source in container.get("envFrom", []):
            if not ({"configMapRef", "secretRef"} & set(source)):
                problems.append(f"{where}: envFrom neither ConfigMap nor Secret")
    return problems


def kafka_topic_problems(topic: dict[str, Any]) -> list[str]:
    """The structural check of a Strimzi KafkaTopic (no core schema covers it)."""
    problems: list[str] = []
    name = topic.get("metadata", {}).get("name", "?")
    if topic.get("apiVersion") not in ("kafka.strimzi.io/v1beta2", "kafka.strimzi.io/v1"):
        problems.append(f"{name}: apiVersion {topic.get('apiVersion')}")
    if topic.get("kind") != "KafkaTopic":
        problems.append(f"{name}: kind {topic.get('kind')}")
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?", name):
        problems.append(f"{name}: not a valid resource name")
    if not topic.get("metadata", {}).get("labels", {}).get("strimzi.io/cluster"):
        problems.append(f"{name}: no strimzi.io/cluster label")
    spec = topic.get("spec", {})
    allowed = {"topicName", "partitions", "replicas", "config"}
    if set(spec) - allowed:
        problems.append(f"{name}: unknown spec fields {sorted(set(spec) - allowed)}")
    partitions = spec.get("partitions")
    if not isinstance(partitions, int) or isinstance(partitions, bool) or partitions < 1:
        problems.append(f"{name}: partitions must be a positive integer")
    if spec.get("replicas") != 3:
        problems.append(f"{name}: replicas must be 3")
    config = spec.get("config", {})
    if config.get("min.insync.replicas") != 2:
        problems.append(f"{name}: min.insync.replicas must be 2")
    if config.get("unclean.leader.election.enable") is not False:
        problems.append(f"{name}: unclean.leader.election.enable must be false")
    retention = config.get("retention.ms")
    if not isinstance(retention, int) or retention <= 0:
        problems.append(f"{name}: retention.ms must be a positive number of milliseconds")
    return problems


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_every_manifest_is_one_valid_kubernetes_object(path: Path) -> None:
    documents = load_documents(path)
    assert len(documents) == 1, "one object per file"
    obj = documents[0]
    assert {"apiVersion", "kind", "metadata"} <= set(obj)
    try:
        validate(obj)
    except kv.SchemaNotFoundError:
        pytest.fail(
            f"{obj['kind']} is no core Kubernetes kind: custom resources belong "
            "in deploy/k8s/kafka-topics (or a folder of their own)"
        )
    assert obj["kind"] != "Secret", "Secrets are created out of band, never committed"


INVALID = {
    "unknown field": ("spec.template.spec.containers[0]", "imagePullPolice", "Always"),
    "wrong type": ("spec.template.spec.containers[0].ports[0]", "containerPort", "http"),
    "missing container name": ("spec.template.spec.containers[0]", "name", None),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_schema_validation_rejects_an_invalid_deployment(case: str) -> None:
    deployment = load_documents(BASE / "lottery" / "deployment.yaml")[0]
    validate(deployment)  # the unchanged object passes
    where, key, value = INVALID[case]
    node: Any = deployment
    for part in re.findall(r"[^.\[\]]+", where):
        node = node[int(part)] if part.isdigit() else node[part]
    if value is None:
        del node[key]
    else:
        node[key] = value
    with pytest.raises(kv.ValidationError):
        validate(deployment)


def test_an_unknown_kind_is_not_silently_accepted() -> None:
    with pytest.raises(kv.SchemaNotFoundError):
        validate(load_documents(KAFKA_TOPICS / "lottery-events.yaml")[0])


# --------------------------------------------------------------------------- kustomize


def test_base_lists_every_file_it_holds() -> None:
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text("utf-8"))
    listed = {(BASE / r).resolve() for r in kustomization["resources"]}
    present = {p.resolve() for p in BASE.rglob("*.yaml") if p.name != "kustomization.yaml"}
    assert listed == present


def test_kustomize_subset_renders_json_patches_like_kustomize() -> None:
    """The pure-Python renderer itself: a patch on a missing path fails loudly."""
    obj = {"spec": {"maxReplicas": 4, "list": [1, 2]}}
    apply_json_patch(
        obj,
        [
            {"op": "replace", "path": "/spec/maxReplicas", "value": 6},
            {"op": "add", "path": "/spec/list/-", "value": 3},
            {"op": "add", "path": "/spec/new", "value": "x"},
        ],
    )
    assert obj == {"spec": {"maxReplicas": 6, "list": [1, 2, 3], "new": "x"}}
    with pytest.raises(AssertionError):
        apply_json_patch(obj, [{"op": "replace", "path": "/spec/missing", "value": 1}])


def test_there_are_overlays_for_production_and_a_wave() -> None:
    names = overlay_names()
    assert "production" in names
    assert any(name.startswith("wave-") for name in names)


@pytest.mark.parametrize("overlay", overlay_names())
def test_overlay_renders_valid_objects(overlay: str) -> None:
    objects = rendered(overlay)
    keys = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(keys) == len(set(keys)), "duplicate objects"
    for obj in objects:
        validate(obj)
        assert obj["kind"] != "Secret"
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == "mitwirken"


@pytest.mark.parametrize("overlay", overlay_names())
def test_every_deployment_keeps_the_rules(overlay: str) -> None:
    deployments = by_kind(rendered(overlay), "Deployment")
    assert set(deployments) == set(SERVICES)
    for deployment in deployments.values():
        assert deployment_problems(deployment) == []
        assert "replicas" not in deployment["spec"], "the HPA owns the replica count"


def test_the_rules_catch_a_bad_deployment() -> None:
    deployment = load_documents(BASE / "lottery" / "deployment.yaml")[0]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    del container["livenessProbe"]
    container["readinessProbe"]["httpGet"]["path"] = "/"
    del container["resources"]["limits"]
    del container["securityContext"]["runAsNonRoot"]
    deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] = False
    container["env"].append({"name": "LOTTERY_SIGNING_SECRET", "value": "hunter2"})
    container["image"] = "mitwirken/lottery:latest"
    problems = "\n".join(deployment_problems(deployment))
    for expected in (
        "livenessProbe",
        "readinessProbe must GET /health/ready",
        "no limits.cpu",
        "no limits.memory",
        "runAsNonRoot",
        "LOTTERY_SIGNING_SECRET is a literal",
        "pinned tag",
    ):
        assert expected in problems, expected


@pytest.mark.parametrize("overlay", overlay_names())
def test_every_deployment_has_an_hpa_a_service_and_a_disruption_budget(overlay: str) -> None:
    objects = rendered(overlay)
    deployments = by_kind(objects, "Deployment")
    hpas = {
        h["spec"]["scaleTargetRef"]["name"]: h
        for h in by_kind(objects, "HorizontalPodAutoscaler").values()
    }
    services = by_kind(objects, "Service")
    budgets = by_kind(objects, "PodDisruptionBudget")
    partitions = min(
        t["spec"]["partitions"]
        for t in kafka_topics().values()
        if not t["spec"]["topicName"].endswith(topics.DLQ_SUFFIX)
    )
    for name, deployment in deployments.items():
        hpa = hpas.get(name)
        assert hpa, f"{name}: no HorizontalPodAutoscaler"
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        # Instances beyond the partition count would sit idle in the consumer group.
        assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= partitions

        labels = deployment["spec"]["template"]["metadata"]["labels"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items()
        service = services.get(name)
        assert service, f"{name}: no Service"
        assert service["spec"]["selector"].items() <= labels.items()
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        port_names = {p["name"] for p in container["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names

        budget = budgets.get(name)
        assert budget and budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


@pytest.mark.parametrize("overlay", overlay_names())
def test_configuration_uses_real_settings(overlay: str) -> None:
    """Every variable a service gets is one of its settings (a typo would be ignored by
    the service, silently), and the production switches are set."""
    objects = rendered(overlay)
    config_maps = by_kind(objects, "ConfigMap")
    for name, deployment in by_kind(objects, "Deployment").items():
        settings = settings_of(name)
        prefix = settings.model_config["env_prefix"]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        variables: dict[str, str | None] = {}
        for source in container.get("envFrom", []):
            ref = source["configMapRef"]["name"]
            assert ref in config_maps, f"{name}: ConfigMap {ref} is not in the overlay"
            variables.update(config_maps[ref]["data"])
        for env in container.get("env", []):
            variables[env["name"]] = env.get("value")
        unknown = set(variables) - setting_names(name)
        assert not unknown, f"{name}: not settings of the service: {sorted(unknown)}"
        assert variables[f"{prefix}ENVIRONMENT"] == "production"
        assert variables[f"{prefix}HTTP_HOST"] == "0.0.0.0"
        assert variables[f"{prefix}KAFKA_CREATE_TOPICS"] == "false"
        assert variables[f"{prefix}CREATE_DATABASE"] == "false"
        assert variables[f"{prefix}KAFKA_ENABLE_IDEMPOTENCE"] == "true"
        assert variables[f"{prefix}KAFKA_REPLICATION_FACTOR"] == "3"
        for secret in ("SIGNING_SECRET", "DATABASE_URL"):
            assert f"{prefix}{secret}" in variables and variables[f"{prefix}{secret}"] is None
        port = int(variables[f"{prefix}HTTP_PORT"] or 0)
        assert port == settings.model_fields["http_port"].default
        assert [p["containerPort"] for p in container["ports"]] == [port]


@pytest.mark.parametrize("overlay", overlay_names())
def test_secrets_are_referenced_and_documented(overlay: str) -> None:
    readme = README.read_text(encoding="utf-8")
    for deployment in by_kind(rendered(overlay), "Deployment").values():
        for container in pod_containers(deployment):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert f"`{ref['name']}`" in readme, f"Secret {ref['name']} undocumented"
                    assert f"`{ref['key']}`" in readme, f"key {ref['key']} undocumented"


@pytest.mark.parametrize("overlay", overlay_names())
def test_registration_reads_the_overlay_rollout(overlay: str) -> None:
    from registration.adapters.rollout_file import parse_rollout

    objects = rendered(overlay)
    deployment = by_kind(objects, "Deployment")["registration"]
    pod = deployment["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if "configMap" in v)
    config_map = by_kind(objects, "ConfigMap")[volume["configMap"]["name"]]
    mount = next(m for m in pod["containers"][0]["volumeMounts"] if m["name"] == volume["name"])
    settings = by_kind(objects, "ConfigMap")["registration-config"]["data"]
    (key,) = config_map["data"]
    assert settings["REGISTRATION_ROLLOUT_FILE"] == f"{mount['mountPath']}/{key}"
    rollout = parse_rollout(config_map["data"][key], source=f"{overlay}/{key}")
    assert rollout.districts


def test_waves_are_cumulative_and_part_of_the_region() -> None:
    from registration.adapters.rollout_file import load_rollout

    region = {
        d.district_id: d for d in load_rollout(OVERLAYS / "production" / "rollout.toml").districts
    }
    waves = sorted(
        (n for n in overlay_names() if n.startswith("wave-")),
        key=lambda n: int(n.removeprefix("wave-")),
    )
    before: set[str] = set()
    for wave in waves:
        districts = {
            d.district_id: d for d in load_rollout(OVERLAYS / wave / "rollout.toml").districts
        }
        assert set(districts) <= set(region), f"{wave}: districts outside the region"
        assert before <= set(districts), f"{wave} drops districts of an earlier wave"
        for district_id, district in districts.items():
            assert district == region[district_id], f"{wave}: {district_id} differs"
        before = set(districts)


# --------------------------------------------------------------------------- Kafka topics


@cache
def kafka_topics() -> dict[str, dict[str, Any]]:
    kustomization = yaml.safe_load((KAFKA_TOPICS / "kustomization.yaml").read_text("utf-8"))
    listed = {(KAFKA_TOPICS / r).resolve() for r in kustomization["resources"]}
    present = {p.resolve() for p in KAFKA_TOPICS.glob("*.yaml") if p.name != "kustomization.yaml"}
    assert listed == present, "kafka-topics/kustomization.yaml must list every topic file"
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(present):
        (topic,) = load_documents(path)
        found[topic["spec"]["topicName"]] = topic
    return found


def test_kafka_topics_are_the_contract_topics() -> None:
    assert set(kafka_topics()) == set(topics.all_topics_with_dead_letters())


def test_kafka_topics_are_well_formed() -> None:
    for name, topic in kafka_topics().items():
        assert kafka_topic_problems(topic) == []
        assert topic["metadata"]["name"] == name


def test_the_topic_check_catches_a_bad_topic() -> None:
    topic = copy.deepcopy(kafka_topics()[topics.LOTTERY_EVENTS])
    topic["spec"]["replicas"] = 1
    topic["spec"]["partitions"] = "12"
    topic["spec"]["partiton"] = 3
    del topic["spec"]["config"]["min.insync.replicas"]
    problems = "\n".join(kafka_topic_problems(topic))
    for expected in (
        "replicas must be 3",
        "partitions must be",
        "unknown spec fields",
        "min.insync.replicas",
    ):
        assert expected in problems, expected


def test_kafka_topics_agree_with_the_services_and_compose() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    init = compose["services"]["kafka-init"]["environment"]
    for name, topic in kafka_topics().items():
        dlq = name.endswith(topics.DLQ_SUFFIX)
        spec = topic["spec"]
        assert spec["partitions"] == int(init["DLQ_PARTITIONS" if dlq else "PARTITIONS"]), name
        assert spec["config"]["retention.ms"] == int(
            init["DLQ_RETENTION_MS" if dlq else "RETENTION_MS"]
        ), name
        assert spec["replicas"] == int(init["REPLICATION_FACTOR"]), name
    for name in SERVICES:
        data = load_documents(BASE / name / "configmap.yaml")[0]["data"]
        prefix = settings_of(name).model_config["env_prefix"]
        assert int(data[f"{prefix}KAFKA_TOPIC_PARTITIONS"]) == int(init["PARTITIONS"])


# --------------------------------------------------------------------------- kubectl


def generated_names(directory: Path) -> set[str]:
    """The names of the ConfigMaps generated by ``directory`` and what it builds on."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text("utf-8"))
    names = {g["name"] for g in kustomization.get("configMapGenerator", [])}
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            names |= generated_names(path)
    return names


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("overlay", overlay_names())
def test_kubectl_kustomize_agrees(overlay: str) -> None:
    result = subprocess.run(
        ["kubectl", "kustomize", str(OVERLAYS / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    built = [d for d in yaml.safe_load_all(result.stdout) if d]
    ours = rendered(overlay)
    generated = generated_names(OVERLAYS / overlay)

    def key(obj: dict[str, Any]) -> tuple[str, str]:
        name = obj["metadata"]["name"]
        for base in generated:  # Kustomize appends a content hash to generated names
            if re.fullmatch(re.escape(base) + r"-[a-z0-9]{10}", name):
                return obj["kind"], base
        return obj["kind"], name

    assert sorted(map(key, built)) == sorted(map(key, ours))
    ours_by_key = {key(o): o for o in ours}
    for obj in built:
        validate(obj)
        mine = ours_by_key[key(obj)]
        if obj["kind"] == "Deployment":
            # Same images and settings; only generated names differ.
            theirs = obj["spec"]["template"]["spec"]["containers"][0]
            expected = mine["spec"]["template"]["spec"]["containers"][0]
            assert theirs["image"] == expected["image"]
        elif obj["kind"] in ("ConfigMap", "HorizontalPodAutoscaler"):
            assert obj.get("data", obj.get("spec")) == mine.get("data", mine.get("spec"))
