// The attributes of every cookie the server sets.
import { isLocalOrigin, type ServerConfig } from "../config.ts";

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis), and Hono throws above it. */
export const MAX_COOKIE_AGE_SECONDS = 400 * 86_400;

/** Not readable by scripts, not sent on cross-site subrequests, and HTTPS-only unless the app
 *  runs on a loopback host; `maxAgeSeconds` omitted: a session cookie (or one being deleted). */
export function cookieOptions(
  config: Pick<ServerConfig, "publicUrl">,
  options: { path: string; maxAgeSeconds?: number },
) {
  return {
    httpOnly: true,
    sameSite: "Lax",
    secure: !isLocalOrigin(config.publicUrl),
    path: options.path,
    ...(options.maxAgeSeconds === undefined ? {} : { maxAge: options.maxAgeSeconds }),
  } as const;
}
