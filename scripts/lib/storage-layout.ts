// Storage-layout safety of upgrades, checked with @openzeppelin/upgrades-core against Hardhat's
// build-info files (compiled with `storageLayout` output).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import upgradesCore, {
  type SolcInput,
  type SolcOutput,
  type StorageLayout,
  type ValidationRunData,
} from "@openzeppelin/upgrades-core";
import solc from "solc";
import { type ContractName, contractSources } from "./artifacts.ts";
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

function readBuildInfos(): BuildInfo[] {
  const dir = join(artifactsDir, "build-info");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json") && !file.endsWith(".output.json"))
    .map((file) => {
      const info = JSON.parse(readFileSync(join(dir, file), "utf8"));
      const { output } = JSON.parse(readFileSync(join(dir, file.replace(/\.json$/, ".output.json")), "utf8"));
      return { solcVersion: info.solcVersion, input: info.input, output };
    });
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

export interface UpgradeValidator {
  /** The layout of `contract`, after checking it is upgrade-safe as a UUPS implementation. */
  layoutOf(contract: ContractName): StorageLayout;
  /** Throws StorageLayoutError if `contract` cannot replace an implementation with `deployed`. */
  assertCompatible(deployed: StorageLayout, contract: ContractName): void;
}

export async function createUpgradeValidator(): Promise<UpgradeValidator> {
  const runs: ValidationRunData[] = [];
  for (const build of readBuildInfos()) {
    const namespaced = await compileNamespaced(build);
    const decodeSrc = solcInputOutputDecoder(build.input, build.output);
    runs.push(validate(build.output, decodeSrc, build.solcVersion, build.input, namespaced));
  }

  const versionOf = (contract: ContractName) => {
    const fullName = `project/${contractSources[contract]}:${contract}`;
    const run = runs.find((data) => fullName in data);
    if (!run) throw new StorageLayoutError(`${fullName} is not in the build-info files; run \`npm run build\``);
    return getContractVersion(run, fullName);
  };

  const layoutOf = (contract: ContractName) => {
    const version = versionOf(contract);
    try {
      assertUpgradeSafe(runs, version, withValidationDefaults({ kind: "uups" }));
    } catch (error) {
      throw new StorageLayoutError(`${contract} is not upgrade-safe: ${(error as Error).message}`);
    }
    return getStorageLayout(runs, version);
  };

  return {
    layoutOf,
    assertCompatible(deployed, contract) {
      try {
        assertStorageUpgradeSafe(deployed, layoutOf(contract), withValidationDefaults({ kind: "uups" }));
      } catch (error) {
        throw new StorageLayoutError(`${contract} has an incompatible storage layout: ${(error as Error).message}`);
      }
    },
  };
}
