#!/usr/bin/env node
// Forge cannot download a native solc offline, so it is pointed at this wrapper around
// solcjs (WASM). The solcjs CLI rejects forge's --allow-paths flag, hence a wrapper.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const solc = require("solc");

const args = process.argv.slice(2);
if (args.includes("--version")) {
  const version = solc.version().replace(".Emscripten.clang", ".Linux.g++");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  process.exit(0);
}

function flagValue(name) {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

const basePath = flagValue("--base-path") ?? process.cwd();
const searchRoots = [basePath, ...(flagValue("--allow-paths") ?? "").split(",").filter(Boolean)];

function findImports(importPath) {
  for (const root of searchRoots) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
  }
  return { error: `File not found in ${searchRoots.join(", ")}: ${importPath}` };
}

const input = fs.readFileSync(0, "utf8");
process.stdout.write(solc.compile(input, { import: findImports }));
