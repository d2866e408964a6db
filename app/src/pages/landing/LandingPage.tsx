// The landing and share page (/, /?ref=CODE, /r/CODE): what the program offers buyers and
// referrers, who referred the visitor, and one visit beacon per page view. The performance-
// critical route: text first, no chart or QR libraries, no wallet hooks of its own.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useReferralCode } from "./referral-code.ts";
import { ReferralBanner } from "./ReferralBanner.tsx";
import { useVisitBeacon } from "./use-visit-beacon.ts";
import "./landing.css";

function Points({ keys }: { keys: string[] }) {
  const { t } = useTranslation("landing");
  return (
    <ul>
      {keys.map((key) => (
        <li key={key}>{t(key)}</li>
      ))}
    </ul>
  );
}

export function LandingPage() {
  const { t } = useTranslation("landing");
  const code = useReferralCode();
  useVisitBeacon(code);

  return (
    <section className="page landing" aria-labelledby="landing-title">
      <h1 id="landing-title">{t("title")}</h1>
      <p className="lead">{t("lead")}</p>
      {code && <ReferralBanner code={code} />}
      <div className="field-row">
        <Link className="button" to="/store">
          {t("cta.store")}
        </Link>
        <Link className="button secondary" to="/dashboard">
          {t("cta.refer")}
        </Link>
      </div>

      <div className="cards">
        <article className="card" aria-labelledby="landing-buyers">
          <h2 id="landing-buyers">{t("buyers.title")}</h2>
          <Points keys={["buyers.p1", "buyers.p2", "buyers.p3"]} />
        </article>
        <article className="card" aria-labelledby="landing-referrers">
          <h2 id="landing-referrers">{t("referrers.title")}</h2>
          <Points keys={["referrers.p1", "referrers.p2", "referrers.p3"]} />
        </article>
        <article className="card" aria-labelledby="landing-proof">
          <h2 id="landing-proof">{t("proof.title")}</h2>
          <Points keys={["proof.p1", "proof.p2"]} />
          <p>
            <Link to="/verify">{t("cta.verify")}</Link>
          </p>
        </article>
      </div>

      <h2>{t("steps.title")}</h2>
      <ol>
        <li>{t("steps.s1")}</li>
        <li>{t("steps.s2")}</li>
        <li>{t("steps.s3")}</li>
        <li>{t("steps.s4")}</li>
      </ol>
    </section>
  );
}
