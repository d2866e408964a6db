// The server's 400s name each bad field as `<where>.<path>: <message>` (server/http/openapi.ts);
// this maps them onto a form's fields, and keeps the rest as a message for the whole form.
import { ApiError } from "../../api/client.ts";

export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
}

/** `codes` maps an error code without a path (e.g. feed_required) to the field it is about. */
export function formErrors(error: unknown, codes: Record<string, string> = {}): FormErrors {
  if (!error) return { fields: {}, form: null };
  if (!(error instanceof ApiError)) return { fields: {}, form: (error as Error).message ?? String(error) };
  const codeField = codes[error.code];
  if (codeField) return { fields: { [codeField]: error.message }, form: null };
  if (error.code !== "invalid_request") return { fields: {}, form: error.message };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of error.message.split("; ")) {
    const match = /^(?:body|param|query)\.([\w.]+): (.*)$/.exec(part);
    const field = match?.[1]?.split(".")[0];
    if (match && field) fields[field] = fields[field] ? `${fields[field]}; ${match[2]}` : match[2]!;
    else rest.push(part);
  }
  return { fields, form: rest.length ? rest.join("; ") : null };
}
