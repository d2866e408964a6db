// The visit beacon (POST /api/refcodes/track): once per page view. A page view is a history
// entry (react-router's location key) with a code, so StrictMode's second effect run, a remount
// and a re-render send nothing more, while a new navigation to a share link counts again.
import { useEffect } from "react";
import { useLocation } from "react-router";
import { api } from "../../api/client.ts";
import { canBeCode } from "./referral-code.ts";

const sent = new Set<string>();

function sendVisitBeacon(code: string): void {
  // keepalive: the visit is stored even when the visitor leaves at once. The server answers 204
  // (or 404 for an unknown or inactive code); nothing on the page waits for it.
  void api<void>("/api/refcodes/track", { body: { code }, keepalive: true }).catch(() => {
    // A lost beacon is a lost count, never a broken page.
  });
}

export function useVisitBeacon(code: string | undefined): void {
  const { key } = useLocation();
  useEffect(() => {
    if (!code || !canBeCode(code)) return;
    const view = `${key}\u0000${code.toLowerCase()}`;
    if (sent.has(view)) return;
    sent.add(view);
    sendVisitBeacon(code);
  }, [code, key]);
}
