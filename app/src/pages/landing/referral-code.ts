// The referral code a landing page was opened with: /r/CODE, else ?ref=CODE (as the server's
// first-touch capture reads it), and whether the text can be a code at all.
import { useParams, useSearchParams } from "react-router";

/** The server's code shape (server/refcodes/lookup.ts): anything else is unknown without a query. */
const CODE_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$/;

export const canBeCode = (text: string) => CODE_SHAPE.test(text);

/** The code in the URL, trimmed; undefined when the page was opened without one. */
export function useReferralCode(): string | undefined {
  const { code } = useParams();
  const [search] = useSearchParams();
  const text = (code ?? search.get("ref") ?? "").trim();
  return text === "" ? undefined : text;
}
