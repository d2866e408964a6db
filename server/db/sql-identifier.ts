import { z } from "zod";

/** A schema name spliced into SQL (it cannot be a parameter): plain lower-case identifiers only,
 *  at most 45 characters (Ponder's limit). */
export const sqlIdentifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,44}$/, "expected a lower-case SQL identifier: a-z, 0-9, _ (not first), at most 45");
