// deploy/k8s, checked without a cluster: the YAML parses, kustomize's resources exist, every
// environment name is one the code reads, probes and ports match the server and the indexer, and
// the backup CronJob dumps what `npm run db:backup` dumps.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { ConfigError, loadConfig } from "../../server/config.ts";
import { pgDumpArgs } from "../../scripts/db-backup.ts";
import { envNamesReadByCode, read, rootDir } from "./sources.ts";

const K8S = "deploy/k8s";

interface Manifest {
  kind: string;
  metadata: { name: string };
  [key: string]: any;
}

const files = readdirSync(join(rootDir, K8S)).filter((file) => file.endsWith(".yaml"));
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(read(join(K8S, file))).map((document) => {
    assert.deepEqual(document.errors, [], `${file} parses`);
    return document.toJS() as Manifest;
  }),
);
const find = (kind: string, name: string): Manifest => {
  const manifest = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  assert.ok(manifest, `${kind} ${name} exists`);
  return manifest;
};
const configMap = find("ConfigMap", "refcodes-config");
const secret = find("Secret", "refcodes-secrets");
const server = find("Deployment", "refcodes-server");
const indexer = find("Deployment", "refcodes-indexer");
const containerOf = (deployment: Manifest) => deployment.spec.template.spec.containers[0];
const knownNames = envNamesReadByCode();

describe("deploy/k8s", () => {
  it("parses, and the kustomization lists files that exist (the Secret example left out)", () => {
    assert.ok(manifests.length >= 8);
    const kustomization = manifests.find((m) => m.kind === "Kustomization");
    assert.ok(kustomization, "kustomization.yaml");
    const resources = kustomization.resources as string[];
    for (const resource of resources) assert.ok(files.includes(resource), `${resource} exists`);
    assert.deepEqual(
      files.filter((file) => !resources.includes(file)).sort(),
      ["kustomization.yaml", "secret.example.yaml"],
      "every manifest is applied except the Secret's placeholders",
    );
    const images = new Set([server, indexer].map((deployment) => containerOf(deployment).image));
    assert.deepEqual([...images], [kustomization.images[0].name], "kustomize sets the image both run");
  });

  it("uses only environment names the code reads", () => {
    const names = [
      ...Object.keys(configMap.data),
      ...Object.keys(secret.stringData),
      ...[server, indexer].flatMap((deployment) =>
        (containerOf(deployment).env ?? []).map((entry: { name: string }) => entry.name),
      ),
    ];
    const unknown = names.filter((name) => !knownNames.has(name));
    assert.deepEqual(unknown, [], `unknown to the code: ${unknown.join(", ")}`);
  });

  it("the ConfigMap alone is a valid server configuration; the Secret's placeholders are refused", () => {
    const config = loadConfig(configMap.data);
    assert.equal(config.port, 8787);
    assert.throws(
      () => loadConfig({ ...configMap.data, ...secret.stringData }),
      (error: Error) => error instanceof ConfigError && /REFERRAL_MINTER_PRIVATE_KEY/.test(error.message),
    );
  });

  it("runs three server replicas probed on /healthz and /readyz, on the configured port", () => {
    assert.equal(server.spec.replicas, 3);
    const container = containerOf(server);
    assert.deepEqual(container.command, ["node", "server/main.ts"]);
    assert.equal(container.livenessProbe.httpGet.path, "/healthz");
    assert.equal(container.readinessProbe.httpGet.path, "/readyz");
    const app = read("server/app.ts");
    for (const path of ["/healthz", "/readyz"])
      assert.ok(app.includes(`app.get("${path}"`), `the server answers ${path}`);
    const port = container.ports.find((p: { name: string }) => p.name === container.livenessProbe.httpGet.port);
    assert.equal(port.containerPort, Number(configMap.data.PORT));
    assert.equal(port.containerPort, loadConfig({ PORT: configMap.data.PORT }).port);
    assert.deepEqual(
      container.envFrom.map((source: any) => source.configMapRef?.name ?? source.secretRef?.name),
      ["refcodes-config", "refcodes-secrets"],
    );
    assert.ok(container.resources.requests && container.resources.limits);
    const comments = read(join(K8S, "server.yaml"));
    assert.match(comments, /pg_try_advisory_lock/, "says why the minter is safe with replicas");
    assert.match(comments, /runMigrations/, "and how migrations are applied by several replicas");
  });

  it("runs one indexer, recreated rather than rolled, probed on Ponder's /health and /ready", () => {
    assert.equal(indexer.spec.replicas, 1);
    assert.equal(indexer.spec.strategy.type, "Recreate");
    const container = containerOf(indexer);
    assert.deepEqual(container.command, ["node", "scripts/indexer.ts"]);
    assert.ok(existsSync(join(rootDir, "scripts/indexer.ts")));
    assert.equal(container.livenessProbe.httpGet.path, "/health");
    assert.equal(container.readinessProbe.httpGet.path, "/ready");
    const env = Object.fromEntries(container.env.map((entry: any) => [entry.name, entry.value]));
    assert.equal(container.ports[0].containerPort, Number(env.INDEXER_PORT));
    const secretKeys = container.env.filter((entry: any) => entry.valueFrom).map((entry: any) => entry.name);
    assert.ok(!secretKeys.includes("REFERRAL_MINTER_PRIVATE_KEY"), "the indexer never sees the minter key");
    assert.ok(!container.envFrom.some((source: any) => source.secretRef), "nor the whole Secret");
  });

  it("points each Service at a named container port", () => {
    for (const [serviceName, deployment] of [
      ["refcodes-server", server],
      ["refcodes-indexer", indexer],
    ] as const) {
      const service = find("Service", serviceName);
      assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
      const names = containerOf(deployment).ports.map((port: { name: string }) => port.name);
      assert.ok(names.includes(service.spec.ports[0].targetPort), `${serviceName} targets a container port`);
    }
  });

  it("backs up with the same pg_dump arguments as db:backup", () => {
    const cronJob = find("CronJob", "refcodes-db-backup");
    const script = cronJob.spec.jobTemplate.spec.template.spec.containers[0].args.join(" ");
    for (const arg of pgDumpArgs("ignored").filter((a) => !a.startsWith("--file="))) {
      assert.ok(script.includes(arg), `the CronJob passes ${arg}`);
    }
    assert.ok(
      script.match(/--schema=/g)?.length === pgDumpArgs("x").filter((a) => a.startsWith("--schema=")).length,
      "and no other schema",
    );
  });
});
