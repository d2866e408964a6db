// One reward: when, which order and code, its state, the amount in fiat and in tokens (with any
// refund or clawback offset shown against it), the price it was sized at, and the payout.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { TxLink } from "../../components/TxLink.tsx";
import { useFormat } from "../../i18n/format.ts";
import { priceToDecimal } from "../../i18n/money.ts";
import { RewardStateBadge } from "./RewardStateBadge.tsx";
import type { Reward } from "./types.ts";

export function RewardRow({ reward }: { reward: Reward }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const fiat = (minor: number) => format.moneyMinor(minor, reward.currency);

  return (
    <tr data-state={reward.state} data-order={reward.orderReference}>
      <td>
        <time dateTime={reward.createdAt}>{format.dateTime(reward.createdAt)}</time>
      </td>
      <td>
        <span className="mono">{reward.orderReference}</span>
        <div className="hint">
          {reward.referralCode && <span className="mono">{reward.referralCode}</span>}
          {reward.referralCode && " · "}
          {t(`rewards.kind.${reward.kind}`)}
        </div>
      </td>
      <td>
        <RewardStateBadge reward={reward} />
      </td>
      <td className="num">
        {fiat(reward.rewardMinor)}
        <div className="hint">
          {t("rewards.commission", {
            rate: format.number(reward.commissionBps / 100, 2),
            base: fiat(reward.baseAmountMinor),
          })}
        </div>
        {reward.refundedMinor > 0 && (
          <div className="negative">
            {t("rewards.refunded", { refunded: fiat(reward.refundedMinor), gross: fiat(reward.grossRewardMinor) })}
          </div>
        )}
      </td>
      <td className="num">
        {reward.tokenAmount !== null ? (
          format.tokens(reward.tokenAmount)
        ) : (
          <span className="hint">{t("rewards.awaitingPrice")}</span>
        )}
        {BigInt(reward.offsetTokenAmount) > 0n && (
          <div className="negative">{t("rewards.offset", { amount: format.tokens(reward.offsetTokenAmount) })}</div>
        )}
      </td>
      <td>
        {reward.price ? (
          <>
            {t("rewards.pricePerToken", { price: format.money(priceToDecimal(reward.price), reward.currency) })}
            <div className="hint">
              {reward.price.source} · {format.dateTime(reward.price.at)}
            </div>
          </>
        ) : (
          <span className="hint">{reward.sizingError ?? "—"}</span>
        )}
      </td>
      <td className="payout">
        {reward.txHash ? (
          <>
            <TxLink hash={reward.txHash} className="mono tx-hash" />
            {reward.mintedAt && <div className="hint">{format.dateTime(reward.mintedAt)}</div>}
          </>
        ) : (
          <span className="hint">{t("rewards.notPaid")}</span>
        )}
        {reward.state === "minted" && (
          <div>
            <Link to={`/verify?order=${encodeURIComponent(reward.orderReference)}`}>{t("rewards.proof")}</Link>
          </div>
        )}
      </td>
    </tr>
  );
}
