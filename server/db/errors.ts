// Postgres error codes, wherever the error came from: the pg driver's own, or drizzle's
// "Failed query" wrapper with the driver's error as its cause.
export function pgErrorCode(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  const found = code ?? cause?.code;
  return typeof found === "string" ? found : undefined;
}

export const PG_DEADLOCK = "40P01";
export const PG_UNDEFINED_TABLE = "42P01";
