// Storage-layout safety of upgrades, checked with @openzeppelin/upgrades-core against Hardhat's
// build-info files (compiled with `storageLayout` output).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import upgradesCore, {
  type SolcInput,
  type SolcOutput,
  type StorageLayout,
  type ValidationRunData,
} from "@openzeppelin/upgrades-core";
import { type ContractName, contractSources, readArtifact } from "./artifacts.ts";
import { artifactsDir, rootDir } from "./paths.ts";

const {
  assertStorageUpgradeSafe,
  assertUpgradeSafe,
  getContractVersion,
  getStorageLayout,
  makeNamespacedInput,
  solcInputOutputDecoder,
  trySanitizeNatSpec,
  validate,
  withValidationDefaults,
} = upgradesCore;

interface BuildInfo {
  solcVersion: string;
  input: SolcInput;
  output: SolcOutput;
}

/** The build-info a contract's artifact was compiled in (Hardhat keeps one per compile job). */
function readBuildInfo(id: string): BuildInfo {
  const dir = join(artifactsDir, "build-info");
  const info = JSON.parse(readFileSync(join(dir, `${id}.json`), "utf8"));
  const { output } = JSON.parse(readFileSync(join(dir, `${id}.output.json`), "utf8"));
  return { solcVersion: info.solcVersion, input: info.input, output };
}

/** Compiles the namespaced variant upgrades-core needs to see inside ERC-7201 structs. */
async function compileNamespaced(build: BuildInfo): Promise<SolcOutput> {
  const input = await trySanitizeNatSpec(makeNamespacedInput(build.input, build.output), build.solcVersion);
  // solcjs loads an 8 MB compiler; only a run that misses the cache below needs it.
  const { default: solc } = await import("solc");
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput & {
    errors?: { severity: string; formattedMessage: string }[];
  };
  const errors = output.errors?.filter((error) => error.severity === "error") ?? [];
  if (errors.length > 0)
    throw new Error(`namespaced compile failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  return output;
}

export class StorageLayoutError extends Error {
  override name = "StorageLayoutError";
}

// Validated lazily, once per build-info: each costs a namespaced solcjs compile (~8 s of CPU, which
// every test process that deploys paid). The result is kept in memory and on disk under cache/,
// keyed by the build-info id, a hash of the compiler input, and by the upgrades-core version, so a
// cached result can never be stale.
const runs = new Map<string, Promise<ValidationRunData>>();
const upgradesCoreVersion: string = createRequire(import.meta.url)("@openzeppelin/upgrades-core/package.json").version;
const validationsDir = join(rootDir, "cache", "upgrades-validations");

function readCachedRun(file: string): ValidationRunData | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ValidationRunData;
  } catch {
    return undefined; // absent, or torn by a crash: validate again
  }
}

function cacheRun(file: string, run: ValidationRunData) {
  try {
    mkdirSync(validationsDir, { recursive: true });
    // Renamed into place, so a parallel reader never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(run));
    renameSync(partial, file);
  } catch {
    // A read-only checkout validates each time instead.
  }
}

function runFor(buildInfoId: string): Promise<ValidationRunData> {
  let run = runs.get(buildInfoId);
  if (!run) {
    run = (async () => {
      const file = join(validationsDir, `${buildInfoId}-${upgradesCoreVersion}.json`);
      const cached = readCachedRun(file);
      if (cached) return cached;
      const build = readBuildInfo(buildInfoId);
      const namespaced = await compileNamespaced(build);
      const decodeSrc = solcInputOutputDecoder(build.input, build.output);
      const validated = validate(build.output, decodeSrc, build.solcVersion, build.input, namespaced);
      cacheRun(file, validated);
      return validated;
    })();
    runs.set(buildInfoId, run);
  }
  return run;
}

const allRuns = () => Promise.all(runs.values());

async function versionOf(contract: ContractName) {
  const fullName = `project/${contractSources[contract]}:${contract}`;
  const run = await runFor(readArtifact(contract).buildInfoId);
  if (!(fullName in run)) throw new StorageLayoutError(`${fullName} is not in its build-info; run \`npm run build\``);
  return getContractVersion(run, fullName);
}

/** The layout of `contract`, after checking it is upgrade-safe as a UUPS implementation. */
export async function upgradeSafeLayout(contract: ContractName): Promise<StorageLayout> {
  const version = await versionOf(contract);
  try {
    assertUpgradeSafe(await allRuns(), version, withValidationDefaults({ kind: "uups" }));
  } catch (error) {
    throw new StorageLayoutError(`${contract} is not upgrade-safe: ${(error as Error).message}`);
  }
  return getStorageLayout(await allRuns(), version);
}

/**
 * The layout of `contract` if it can replace an implementation whose layout is `deployed`;
 * rejects with StorageLayoutError otherwise.
 */
export async function assertUpgradeCompatible(deployed: StorageLayout, contract: ContractName): Promise<StorageLayout> {
  const updated = await upgradeSafeLayout(contract);
  try {
    assertStorageUpgradeSafe(deployed, updated, withValidationDefaults({ kind: "uups" }));
  } catch (error) {
    throw new StorageLayoutError(`${contract} has an incompatible storage layout: ${(error as Error).message}`);
  }
  return updated;
}
