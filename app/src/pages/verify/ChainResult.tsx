// What this browser read from the chain for one order: where it read (RPC, chain, contract,
// block), orderRef, paidOrders, paymentOf and the ReferralPaid events, and what that means.
import { useTranslation } from "react-i18next";
import { Notice } from "../../components/status.tsx";
import { TxLink } from "../../components/TxLink.tsx";
import { useFormat } from "../../i18n/format.ts";
import type { ChainReading } from "./chain.ts";

function OnChainVerdict({ reading }: { reading: ChainReading }) {
  const { t } = useTranslation("verify");
  const format = useFormat();
  const { payment, events, paidOrders } = reading;
  if (!paidOrders && !payment && events.length === 0) {
    return (
      <Notice>
        <p>{t("chain.verdict.unpaid")}</p>
      </Notice>
    );
  }
  const first = events[0];
  if (paidOrders && payment && events.length === 1 && first) {
    const sameTerms =
      first.referrer.toLowerCase() === payment.referrer.toLowerCase() && first.amount === payment.amount;
    if (sameTerms) {
      return (
        <Notice kind="success">
          <p>
            {t("chain.verdict.paidOnce", {
              amount: format.tokens(payment.amount),
              referrer: payment.referrer,
              tx: first.txHash,
            })}
          </p>
        </Notice>
      );
    }
  }
  const key = events.length > 1 ? "manyEvents" : events.length === 0 ? "noEvent" : "inconsistent";
  return (
    <Notice kind="warning">
      <p>{t(`chain.verdict.${key}`, { n: events.length })}</p>
    </Notice>
  );
}

export function ChainResult({ reading }: { reading: ChainReading }) {
  const { t } = useTranslation("verify");
  const format = useFormat();
  return (
    <section className="card verify-section" aria-labelledby="verify-chain" data-testid="verify-result">
      <h2 id="verify-chain">{t("chain.title")}</h2>
      <dl className="facts">
        <dt>{t("chain.rpc")}</dt>
        <dd className="mono" data-testid="verify-rpc">
          {reading.rpcUrl}
        </dd>
        <dt>{t("chain.chainId")}</dt>
        <dd>{reading.chainId}</dd>
        <dt>{t("chain.contract")}</dt>
        <dd className="mono" data-testid="verify-contract">
          {reading.contract}
        </dd>
        <dt>{t("chain.block")}</dt>
        <dd>{reading.block.toString()}</dd>
        <dt>{t("chain.orderRef", { reference: reading.orderReference })}</dt>
        <dd className="mono" data-testid="verify-order-ref">
          {reading.orderRef}
        </dd>
      </dl>

      <p className="stat" data-testid="paid-orders">
        paidOrders: {String(reading.paidOrders)}
      </p>

      <h3>{t("chain.payment")}</h3>
      {reading.payment ? (
        <dl className="facts" data-testid="payment-of">
          <dt>{t("chain.referrer")}</dt>
          <dd className="mono">{reading.payment.referrer}</dd>
          <dt>{t("chain.amount")}</dt>
          <dd>
            {format.tokens(reading.payment.amount)}{" "}
            <span className="hint">({t("chain.baseUnits", { amount: reading.payment.amount.toString() })})</span>
          </dd>
        </dl>
      ) : (
        <p data-testid="payment-of">{t("chain.noPayment")}</p>
      )}

      <h3>{t("chain.events", { from: reading.fromBlock.toString() })}</h3>
      {reading.events.length === 0 ? (
        <p>{t("chain.noEvents")}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t("chain.eventsCaption")}>
          <table>
            <caption className="visually-hidden">{t("chain.eventsCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("chain.tx")}</th>
                <th scope="col" className="num">
                  {t("chain.eventBlock")}
                </th>
                <th scope="col" className="num">
                  {t("chain.logIndex")}
                </th>
                <th scope="col">{t("chain.referrer")}</th>
                <th scope="col" className="num">
                  {t("chain.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {reading.events.map((event) => (
                <tr key={`${event.txHash}-${event.logIndex}`} data-testid="paid-event">
                  <td>
                    <TxLink hash={event.txHash} />
                  </td>
                  <td className="num">{event.blockNumber.toString()}</td>
                  <td className="num">{event.logIndex}</td>
                  <td className="mono">{event.referrer}</td>
                  <td className="num">{format.tokens(event.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <OnChainVerdict reading={reading} />
    </section>
  );
}
