// The cdk8s-plus-33 peer of the stackc benchmark.
//
//   node main.js STACK.json OUTDIR
//
// STACK.json is the JSON twin of a generated stack.kdl
// (`cargo run --release --example gen_stack -- N --seed S --json`): the same
// namespaces, apps, ports, resources, volumes and connections. For each
// namespace this writes a Namespace and a default-deny NetworkPolicy; for each
// app a ServiceAccount, a Deployment (image, port, replicas, requests and
// limits, cdk8s-plus's hardened pod defaults), a Service, a PVC when the app
// has a volume, and `connections.allowTo(peer, { ports })` per connection (an
// egress policy on the app and an ingress policy on the peer, in the peer's
// namespace). Then `app.synth()` writes one directory per namespace (chart) and one YAML
// file per object, like stackc.
//
// Not expressed here (stackc writes them, cdk8s-plus has no equivalent):
// Flux Kustomizations/GitRepository, kustomization.yaml listings, DNS egress.

'use strict';

const fs = require('fs');
const { App, Chart, Size, YamlOutputType } = require('cdk8s');
const kplus = require('cdk8s-plus-33');

function main() {
  const [input, outdir] = process.argv.slice(2);
  if (!input || !outdir) {
    console.error('usage: node main.js STACK.json OUTDIR');
    process.exit(2);
  }
  const stack = JSON.parse(fs.readFileSync(input, 'utf8'));

  const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  const charts = new Map();
  for (const ns of stack.namespaces) {
    const chart = new Chart(app, ns, {
      namespace: ns,
      labels: { 'app.kubernetes.io/part-of': stack.stack },
    });
    new kplus.Namespace(chart, 'namespace', { metadata: { name: ns } });
    new kplus.NetworkPolicy(chart, 'default-deny', {
      metadata: { name: 'default-deny' },
      selector: kplus.Pods.all(chart, 'all-pods'),
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
    charts.set(ns, chart);
  }

  const cpu = (q) => kplus.Cpu.millis(parseInt(q, 10)); // "250m"
  const mem = (q) => Size.mebibytes(parseInt(q, 10)); // "128Mi"
  const gib = (q) => Size.gibibytes(parseInt(q, 10)); // "1Gi"

  const deployments = new Map();
  for (const a of stack.apps) {
    const chart = charts.get(a.namespace);
    const serviceAccount = new kplus.ServiceAccount(chart, `${a.name}-sa`, {
      metadata: { name: a.name },
      automountToken: false,
    });
    const deployment = new kplus.Deployment(chart, a.name, {
      metadata: { name: a.name },
      replicas: a.replicas,
      serviceAccount,
      automountServiceAccountToken: false,
    });
    const container = deployment.addContainer({
      name: a.name,
      image: a.image,
      ports: [{ name: a.port.name, number: a.port.number }],
      resources: {
        cpu: { request: cpu(a.requests.cpu), limit: cpu(a.limits.cpu) },
        memory: { request: mem(a.requests.memory), limit: mem(a.limits.memory) },
      },
    });
    if (a.volume) {
      const claim = new kplus.PersistentVolumeClaim(chart, `${a.name}-${a.volume.name}`, {
        metadata: { name: `${a.name}-${a.volume.name}` },
        storage: gib(a.volume.size),
        storageClassName: stack.storageClass,
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      });
      const volume = kplus.Volume.fromPersistentVolumeClaim(chart, `${a.name}-vol`, claim, {
        name: a.volume.name,
      });
      container.mount(a.volume.mount, volume);
    }
    deployment.exposeViaService({
      name: a.name,
      ports: [{ name: a.port.name, port: a.port.number, targetPort: a.port.number }],
    });
    deployments.set(`${a.namespace}/${a.name}`, { deployment, port: a.port.number });
  }

  for (const a of stack.apps) {
    const from = deployments.get(`${a.namespace}/${a.name}`).deployment;
    for (const c of a.connects) {
      const to = deployments.get(`${c.namespace}/${c.app}`);
      from.connections.allowTo(to.deployment, {
        ports: [kplus.NetworkPolicyPort.tcp(to.port)],
      });
    }
  }

  app.synth();
}

main();
