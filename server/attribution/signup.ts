import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { type AttributionDecision, decideAttribution } from "./decide.ts";
import { loadAttributionFacts } from "./facts.ts";

/** Sign-up attribution, on a user's first sign-in: the first-touch code becomes `referredBy`
 *  after the same guards as a purchase (the signing wallet included). Decided once. */
export async function attributeSignup(
  db: Db,
  userId: string,
  codeText: string | undefined,
): Promise<AttributionDecision> {
  const decision = decideAttribution(
    await loadAttributionFacts(db, { codeText, buyerUserId: userId, purchase: false }),
  );
  if (decision.decision === "none") return decision;
  await db
    .update(users)
    .set(
      decision.decision === "accepted"
        ? {
            signupAttribution: "accepted",
            referredByCodeId: decision.refcodeId,
            referredByUserId: decision.referrerUserId,
          }
        : { signupAttribution: "rejected", signupAttributionReason: decision.reason },
    )
    .where(eq(users.id, userId));
  return decision;
}
