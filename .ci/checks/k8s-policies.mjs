// What an operator checks in the rendered manifests of one overlay (issue 16's findings), beyond
// their schemas. Each rule names the finding it guards. Usage: node k8s-policies.mjs <overlay> <rendered.yaml>
//
// Pod Security "restricted" is checked by its published rules
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/): no offline checker of it
// is packaged in the registries these machines reach.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, Failures, describe, readYamlDocuments } from './lib.mjs';

const [overlay, file] = process.argv.slice(2);
const failures = new Failures(`policies ${overlay}`);
const objects = readYamlDocuments(file);
const ofKind = (kind) => objects.filter((o) => o.kind === kind);
const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const check = (condition, object, message) => failures.check(condition, describe(object), message);
const labelsMatch = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const seconds = (iso) => {
  const m = /^PT(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : NaN;
};

const namespace = overlay === 'prod' ? 'emogg' : `emogg-${overlay}`;
for (const object of objects) {
  check(object.metadata.namespace === namespace, object, `namespace ${object.metadata.namespace}, expected ${namespace}`);
}

// --- configuration: generated ConfigMaps (edits roll the pods) --------------------------------
const configMaps = new Map(ofKind('ConfigMap').map((c) => [c.metadata.name, c]));
function environment(container) {
  const variables = new Map((container.env ?? []).map((e) => [e.name, e]));
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = configMaps.get(source.configMapRef.name);
      for (const key of Object.keys(configMap?.data ?? {})) {
        variables.set(key, { name: key, value: configMap.data[key] });
      }
    }
  }
  return variables;
}

const deployments = ofKind('Deployment');
const scaledObjects = ofKind('ScaledObject');
check(deployments.length === 2, { kind: 'Deployment' }, 'an api and a worker Deployment');
const api = named('Deployment', 'emogg-api');
const worker = named('Deployment', 'emogg-worker');

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
for (const deployment of deployments) {
  const pod = deployment.spec.template.spec;
  const podLabels = deployment.spec.template.metadata.labels;
  const scaler = scaledObjects.find((s) => s.spec.scaleTargetRef.name === deployment.metadata.name);

  // Pod Security "restricted" and the service account token
  check(pod.automountServiceAccountToken === false, deployment, 'no service account token mounted');
  check(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, deployment, 'no host namespaces');
  for (const volume of pod.volumes ?? []) {
    check(Object.keys(volume).some((k) => ALLOWED_VOLUMES.includes(k)), deployment, `volume ${volume.name}: a type the restricted profile allows`);
  }
  const podSecurity = pod.securityContext ?? {};
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const where = `${container.name}: `;
    const security = container.securityContext ?? {};
    check((security.runAsNonRoot ?? podSecurity.runAsNonRoot) === true, deployment, `${where}runAsNonRoot`);
    check((security.runAsUser ?? podSecurity.runAsUser) !== 0, deployment, `${where}not user 0`);
    check(security.allowPrivilegeEscalation === false, deployment, `${where}allowPrivilegeEscalation false`);
    check(!security.privileged, deployment, `${where}not privileged`);
    check((security.capabilities?.drop ?? []).includes('ALL'), deployment, `${where}drops ALL capabilities`);
    check((security.capabilities?.add ?? []).every((c) => c === 'NET_BIND_SERVICE'), deployment, `${where}adds no capability`);
    check((security.seccompProfile ?? podSecurity.seccompProfile)?.type === 'RuntimeDefault', deployment, `${where}seccomp RuntimeDefault`);
    check(security.readOnlyRootFilesystem === true, deployment, `${where}read-only root filesystem`);
    check((container.ports ?? []).every((p) => !p.hostPort), deployment, `${where}no host port`);

    // where the application writes: writable emptyDirs
    const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
    const writable = (container.volumeMounts ?? []).filter((m) => emptyDirs.has(m.name) && !m.readOnly).map((m) => m.mountPath);
    check(writable.includes('/tmp'), deployment, `${where}/tmp is a writable emptyDir (JVM, Netty, Kafka client, Vert.x)`);
    const env = environment(container);
    const media = env.get('EMOGG_WORKER_MEDIA_DIR')?.value;
    if (deployment === worker) {
      check(media && writable.includes(media), deployment, `${where}the media folder ${media} is a writable emptyDir`);
    }

    // the heap bound: the image's launcher turns JAVA_MAX_MEM_RATIO into -XX:MaxRAMPercentage
    const ratio = Number(env.get('JAVA_MAX_MEM_RATIO')?.value);
    check(ratio > 0 && ratio <= 50, deployment, `${where}JAVA_MAX_MEM_RATIO bounds the heap (${ratio})`);
    check(container.resources?.limits?.memory, deployment, `${where}a memory limit`);

    // probes wait longer than the application's bounded waits on the database
    const wait = seconds(env.get('EMOGG_DATABASE_CONNECT_TIMEOUT')?.value ?? 'PT2S') + seconds(env.get('EMOGG_DATABASE_WAIT_FOR_CONNECTION')?.value ?? 'PT3S');
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      check((container[probe]?.timeoutSeconds ?? 1) > wait, deployment, `${where}${probe} timeout above ${wait} s`);
    }

    // secrets: one key at a time, and none at all for workers
    check(!(container.envFrom ?? []).some((s) => s.secretRef), deployment, `${where}no whole Secret as environment`);
    if (deployment === worker) {
      for (const name of env.keys()) {
        check(!name.startsWith('QUARKUS_DATASOURCE_') && name !== 'EMOGG_ADMIN_TOKEN', deployment, `${where}a worker gets no ${name}`);
      }
      check(![...env.values()].some((e) => e.valueFrom?.secretKeyRef), deployment, `${where}a worker reads no Secret`);
      check(!(pod.volumes ?? []).some((v) => v.secret || v.projected), deployment, `${where}a worker mounts no Secret`);
    }
    for (const source of (container.envFrom ?? []).filter((s) => s.configMapRef)) {
      const name = source.configMapRef.name;
      check(configMaps.has(name) && /-[a-z0-9]{10}$/.test(name), deployment, `${where}ConfigMap ${name} is generated (content hash in its name)`);
    }

    // images: a digest in production, never a moving tag
    if (overlay === 'prod') {
      check(/@sha256:[0-9a-f]{64}$/.test(container.image), deployment, `${where}image pinned by digest (${container.image})`);
    } else {
      check(/:[^/]+$/.test(container.image) && !container.image.endsWith(':latest'), deployment, `${where}image with a version tag (${container.image})`);
    }
  }
  check(!Object.keys(deployment.spec.template.metadata.annotations ?? {}).some((a) => a.startsWith('prometheus.io/')),
    deployment, 'no prometheus.io annotations (the Prometheus Operator ignores them: ServiceMonitor/PodMonitor instead)');

  // spread over nodes and zones
  const spread = pod.topologySpreadConstraints ?? [];
  for (const key of ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']) {
    check(spread.some((c) => c.topologyKey === key && labelsMatch(c.labelSelector?.matchLabels, podLabels)), deployment, `spread over ${key}`);
  }
  for (const constraint of spread.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule')) {
    check(constraint.nodeTaintsPolicy === 'Honor', deployment, `${constraint.topologyKey}: cordoned nodes do not count (nodeTaintsPolicy Honor), or a drain cannot reschedule`);
  }

  // KEDA owns the workers' replicas
  if (scaler) {
    check(deployment.spec.replicas === undefined, deployment, 'no replicas: KEDA owns them (every apply would reset them)');
  }

  // disruption budgets: one per Deployment, never blocking a drain
  const minimum = scaler ? scaler.spec.minReplicaCount ?? 1 : deployment.spec.replicas ?? 1;
  const budgets = ofKind('PodDisruptionBudget').filter((b) => labelsMatch(b.spec.selector.matchLabels, podLabels));
  if (check(budgets.length === 1, deployment, 'one PodDisruptionBudget')) {
    const budget = budgets[0].spec;
    check(budget.unhealthyPodEvictionPolicy === 'AlwaysAllow', deployment, 'unready pods can be evicted (AlwaysAllow)');
    const allowed = budget.maxUnavailable !== undefined ? Number(budget.maxUnavailable) : minimum - Number(budget.minAvailable);
    check(allowed >= 1, deployment, `the budget allows an eviction at ${minimum} replica(s)`);
  }
}

// --- scaling ----------------------------------------------------------------------------------
const common = [...configMaps.values()].find((c) => c.metadata.name.startsWith('emogg-common-config-'));
check(common, { kind: 'ConfigMap', metadata: { name: 'emogg-common-config' } }, 'generated from base/config/common.env');
const partitions = Number(common?.data?.EMOGG_TOPICS_PARTITIONS);
for (const scaler of scaledObjects) {
  const spec = scaler.spec;
  check(spec.maxReplicaCount <= partitions, scaler, `no more workers (${spec.maxReplicaCount}) than partitions (${partitions})`);
  check(spec.cooldownPeriod === undefined || spec.minReplicaCount === 0, scaler, 'cooldownPeriod only acts when scaling to zero');
  check(spec.triggers.every((t) => t.type !== 'kafka'), scaler, 'not on consumer lag: it jumps at every burst, and each scale moves running sessions');
  const behavior = spec.advanced?.horizontalPodAutoscalerConfig?.behavior ?? {};
  check((behavior.scaleDown?.stabilizationWindowSeconds ?? 0) >= 600, scaler, 'scale-down waits at least 10 minutes of lower load');
  for (const direction of ['scaleUp', 'scaleDown']) {
    const policies = behavior[direction]?.policies ?? [];
    check(policies.length > 0 && policies.every((p) => p.type === 'Pods' && p.value === 1 && p.periodSeconds >= 300), scaler,
      `${direction}: one worker at a time, at most every 5 minutes`);
  }
  for (const trigger of spec.triggers.filter((t) => t.type === 'prometheus')) {
    check(trigger.metadata.query.includes(`namespace="${scaler.metadata.namespace}"`), scaler, 'the query counts this namespace\'s sessions');
    check(trigger.metadata.ignoreNullValues === 'false', scaler, 'no answer keeps the workers (ignoreNullValues false)');
  }
}

// --- topics (Strimzi v1) ----------------------------------------------------------------------
for (const topic of ofKind('KafkaTopic')) {
  const spec = topic.spec;
  check(topic.apiVersion === 'kafka.strimzi.io/v1', topic, 'Strimzi 1.0 serves kafka.strimzi.io/v1 only');
  const minIsr = Number(spec.config?.['min.insync.replicas']);
  check(minIsr >= 1 && minIsr <= spec.replicas, topic, `min.insync.replicas (${minIsr}) set, at most the replicas (${spec.replicas})`);
  check(spec.replicas < 3 || minIsr >= 2, topic, 'with 3 replicas, acks=all means 2 copies (min.insync.replicas 2)');
  if (!topic.metadata.name.endsWith('-dlq')) {
    check(spec.partitions === partitions, topic, `partitions ${spec.partitions} = EMOGG_TOPICS_PARTITIONS ${partitions}`);
  }
}

// --- network policies -------------------------------------------------------------------------
const policies = ofKind('NetworkPolicy');
const selecting = (deployment, type) => policies.filter((p) => (p.spec.policyTypes ?? []).includes(type)
  && labelsMatch(p.spec.podSelector.matchLabels, deployment.spec.template.metadata.labels));
check(selecting(api, 'Ingress').length > 0, api, 'an ingress NetworkPolicy');
check(selecting(worker, 'Ingress').length > 0, worker, 'an ingress NetworkPolicy');
const egress = selecting(worker, 'Egress');
if (check(egress.length > 0, worker, 'an egress NetworkPolicy (workers dial user-chosen hosts)')) {
  const rules = egress.flatMap((p) => p.spec.egress ?? []);
  const FORBIDDEN = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '127.0.0.0/8', '100.64.0.0/10'];
  for (const rule of rules) {
    check((rule.ports ?? []).length > 0, worker, 'every egress rule names its ports');
    for (const peer of rule.to ?? []) {
      if (peer.ipBlock?.cidr === '0.0.0.0/0') {
        const except = peer.ipBlock.except ?? [];
        check(FORBIDDEN.every((range) => except.includes(range)), worker, `the internet, not the cluster's ranges nor 169.254.169.254 (except ${FORBIDDEN.join(', ')})`);
      }
      if (peer.ipBlock?.cidr === '::/0') {
        check(['fc00::/7', 'fe80::/10', '::1/128'].every((range) => peer.ipBlock.except?.includes(range)), worker, 'IPv6: no private, link-local or loopback range');
      }
      check(!peer.ipBlock || !['0.0.0.0/0', '::/0'].includes(peer.ipBlock.cidr) || peer.ipBlock.except?.length, worker, 'no unrestricted ipBlock');
    }
  }
  const ports = (predicate) => rules.filter((r) => (r.to ?? []).some(predicate)).flatMap((r) => r.ports.map((p) => p.port));
  check(ports((peer) => peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns').includes(53), worker, 'DNS');
  check(ports((peer) => peer.podSelector?.matchLabels?.['strimzi.io/cluster']).includes(9092), worker, 'the Kafka brokers');
  const streams = ports((peer) => peer.ipBlock);
  check([554, 1935, 443].every((port) => streams.includes(port)), worker, 'the stream ports: RTSP 554, RTMP 1935, RTMPS 443');
}

// --- monitoring -------------------------------------------------------------------------------
const service = named('Service', 'emogg-api');
const serviceMonitor = ofKind('ServiceMonitor')[0];
if (check(serviceMonitor, { kind: 'ServiceMonitor' }, 'the api is scraped (ServiceMonitor)')) {
  check(labelsMatch(serviceMonitor.spec.selector.matchLabels, service.metadata.labels), serviceMonitor, 'selects the api Service');
  check(serviceMonitor.spec.endpoints.every((e) => e.path === '/q/metrics' && service.spec.ports.some((p) => p.name === e.port)), serviceMonitor, '/q/metrics on a port of the Service');
}
const podMonitor = ofKind('PodMonitor')[0];
if (check(podMonitor, { kind: 'PodMonitor' }, 'the workers are scraped (PodMonitor)')) {
  check(labelsMatch(podMonitor.spec.selector.matchLabels, worker.spec.template.metadata.labels), podMonitor, 'selects the worker pods');
  check(podMonitor.spec.podMetricsEndpoints.every((e) => e.path === '/q/metrics'
    && worker.spec.template.spec.containers[0].ports.some((p) => p.name === e.port)), podMonitor, '/q/metrics on a port of the workers');
}
const readme = fs.readFileSync(path.join(ROOT, 'deploy/README.md'), 'utf8');
const alerts = ofKind('PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g) => g.rules)).filter((r) => r.alert);
check(alerts.length > 0, { kind: 'PrometheusRule' }, 'alert rules');
for (const alert of alerts) {
  check(alert.labels?.severity && alert.annotations?.summary && alert.annotations?.description, { kind: 'alert', metadata: { name: alert.alert } }, 'severity, summary and description');
  check(new RegExp(`^\\| \`${alert.alert}\` \\|`, 'm').test(readme), { kind: 'alert', metadata: { name: alert.alert } }, 'a runbook line in deploy/README.md');
}
check(ofKind('ConfigMap').some((c) => c.metadata.labels?.grafana_dashboard && Object.keys(c.data ?? {}).some((k) => k.endsWith('.json'))),
  { kind: 'ConfigMap' }, 'the stop-path dashboard for Grafana\'s sidecar');

failures.exit(`${objects.length} objects, ${alerts.length} alerts`);
