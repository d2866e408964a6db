// Storage-layout safety of upgrades, checked with @openzeppelin/upgrades-core against Hardhat's
// build-info files (compiled with `storageLayout` output).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import upgradesCore, {
  type SolcInput,
  type SolcOutput,
  type StorageLayout,
  type ValidationRunData,
} from "@openzeppelin/upgrades-core";
import solc from "solc";
import { type ContractName, contractSources, readArtifact } from "./artifacts.ts";
import { artifactsDir } from "./paths.ts";

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

// Validated lazily, once per build-info and process: each costs a namespaced solcjs compile.
// A build-info id is a hash of its input, so a cached run can never be stale.
const runs = new Map<string, Promise<ValidationRunData>>();

function runFor(buildInfoId: string): Promise<ValidationRunData> {
  let run = runs.get(buildInfoId);
  if (!run) {
    run = (async () => {
      const build = readBuildInfo(buildInfoId);
      const namespaced = await compileNamespaced(build);
      const decodeSrc = solcInputOutputDecoder(build.input, build.output);
      return validate(build.output, decodeSrc, build.solcVersion, build.input, namespaced);
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
