// What the production-shape tests read from the repository: the environment names the code reads,
// .env.example's entries, the Dockerfile's instructions and the runtime import graph.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { rootDir } from "../../scripts/lib/paths.ts";

export { rootDir };
export const read = (path: string) => readFileSync(join(rootDir, path), "utf8");

/** Files whose environment .env.example documents: the server, the indexer and the scripts an
 *  operator runs. Tests, benchmarks and the app's build internals are not configuration. */
export const ENV_READERS = [
  "server/config.ts",
  "server/rewards/reconcile/cli.ts",
  "indexer/settings.ts",
  "scripts/indexer.ts",
  "scripts/lib/indexer.ts",
  "scripts/lib/network-settings.ts",
  "scripts/lib/paths.ts",
  "scripts/lib/cli-database.ts",
  "scripts/start.ts",
  "scripts/lib/start/system.ts",
  "scripts/demo.ts",
  "scripts/lib/demo/connect.ts",
  "scripts/chain.ts",
  "scripts/deploy.ts",
  "scripts/upgrade.ts",
  "scripts/audit.ts",
  "scripts/handover-admin.ts",
  "scripts/db-backup.ts",
  "scripts/db-restore.ts",
];

/** The operating system's, not ours. */
const SYSTEM_NAMES = new Set(["PATH", "HOME"]);

/** Names a file reads: `process.env.X`, `env.X` / `rawEnv.X` of a copy of it, and the keys of a
 *  zod environment schema (two-space-indented `NAME:` lines). */
export function envNamesIn(source: string): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /(?:process\.env|\benv|\brawEnv)\.([A-Z][A-Z0-9_]*)\b/g,
    /process\.env\[["']([A-Z][A-Z0-9_]*)["']\]/g,
    /^ {2}([A-Z][A-Z0-9_]*):/gm,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) names.add(match[1]!);
  for (const name of SYSTEM_NAMES) names.delete(name);
  return names;
}

export function envNamesReadByCode(): Set<string> {
  return new Set(ENV_READERS.flatMap((file) => [...envNamesIn(read(file))]));
}

/** `.env.example`'s entries, set (`NAME=value`) and optional (`# NAME=value`) alike. */
export function envExample(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of read(".env.example").split("\n")) {
    const match = /^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) entries.set(match[1]!, match[2]!);
  }
  return entries;
}

export interface Instruction {
  stage: string;
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions (continuations joined, comments dropped), each with its stage. */
export function dockerfileInstructions(text = read("Dockerfile")): Instruction[] {
  const joined = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  const instructions: Instruction[] = [];
  let stage = "";
  for (const line of joined.split("\n")) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, keyword, args] = match as unknown as [string, string, string];
    if (keyword === "FROM") stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? "";
    instructions.push({ stage, keyword, args: args.trim() });
  }
  return instructions;
}

/** A COPY's flags, sources and destination. */
export function parseCopy(args: string): { from: string | undefined; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  const from = flags.find((flag) => flag.startsWith("--from="))?.slice("--from=".length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
}

const resolveLocal = (fromFile: string, specifier: string): string | undefined => {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
};

/** Module specifiers a file loads when it runs: type-only imports and re-exports are erased by
 *  Node's type stripping, so they are left out. */
export function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** Every repository file and every package the entry files load, transitively. */
export function runtimeGraph(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((entry) => join(rootDir, entry));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeSpecifiers(file)) {
      if (specifier.startsWith("node:") || specifier.startsWith("ponder:")) continue;
      if (specifier.startsWith(".")) {
        const target = resolveLocal(file, specifier);
        if (!target) throw new Error(`${relative(rootDir, file)}: cannot resolve ${specifier}`);
        pending.push(target);
        continue;
      }
      const parts = specifier.split("/");
      packages.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
    }
  }
  return { files: new Set([...files].map((file) => relative(rootDir, file))), packages };
}

/** The .ts files under a repository directory, tests excluded. */
export const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(rootDir, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => join(dir, file));
