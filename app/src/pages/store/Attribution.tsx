// The attribution decision stored on the order: credited to which code, or rejected and why.
import { useTranslation } from "react-i18next";
import { Emphasis } from "../../components/Emphasis.tsx";
import { shortAddress } from "../../components/WalletPanel.tsx";
import type { Order } from "./store-api.ts";

export function Attribution({ referral }: { referral: Order["referral"] }) {
  const { t } = useTranslation("store");
  const code = referral.code ?? "";
  let text;
  if (referral.attribution === "accepted") {
    text = (
      <>
        <Emphasis t={t} i18nKey="attribution.accepted" value={code} />
        {referral.referrerWallet && (
          <>
            {" "}
            <span className="hint">
              {t("attribution.wallet")}{" "}
              <span className="mono" title={referral.referrerWallet}>
                {shortAddress(referral.referrerWallet)}
              </span>
            </span>
          </>
        )}
      </>
    );
  } else if (referral.attribution === "rejected") {
    text = (
      <Emphasis
        t={t}
        i18nKey="attribution.rejected"
        value={code}
        values={{ reason: t(`attribution.reason.${referral.reason ?? "unknown"}`) }}
      />
    );
  } else {
    text = t("attribution.none");
  }
  return (
    <p
      data-testid="attribution"
      data-attribution={referral.attribution}
      data-code={referral.code ?? undefined}
      data-reason={referral.reason ?? undefined}
    >
      {text}
    </p>
  );
}
