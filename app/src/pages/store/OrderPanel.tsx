// The order being bought (?order=REF): its status and attribution decision from the server
// (GET /api/orders/{ref}), and while it is pending, the ways to pay it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import { Attribution } from "./Attribution.tsx";
import { creditKey, fetchOrder, orderKey, payWithCredit } from "./store-api.ts";
import { WayForPayCheckout } from "./WayForPayCheckout.tsx";

interface Props {
  orderReference: string;
  /** WayForPay's checkout is open. */
  card: boolean;
  /** The buyer is back from WayForPay: the callback may not have arrived yet. */
  returning: boolean;
  onCard: () => void;
  onClose: () => void;
}

/** While a returning buyer's order is pending, look again every 2 s for a minute. */
const POLL_MS = 2000;
const POLLS = 30;

export function OrderPanel({ orderReference, card, returning, onCard, onClose }: Props) {
  const { t } = useTranslation("store");
  const format = useFormat();
  const queryClient = useQueryClient();
  const order = useQuery({
    queryKey: orderKey(orderReference),
    queryFn: ({ signal }) => fetchOrder(orderReference, signal),
    refetchInterval: (query) =>
      returning && query.state.data?.status === "pending" && query.state.dataUpdateCount < POLLS ? POLL_MS : false,
  });
  const pay = useMutation({
    mutationFn: () => payWithCredit(orderReference),
    onSuccess: (paid) => queryClient.setQueryData(orderKey(orderReference), paid),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: creditKey }),
  });

  let body;
  if (order.isPending) body = <Loading />;
  else if (order.isError) body = <ErrorNotice error={order.error} retry={() => void order.refetch()} />;
  else {
    const o = order.data;
    const pending = o.status === "pending";
    body = (
      <>
        <p data-testid="order-status" data-status={o.status} role="status">
          {t("order.status")} <span className={`state state-${o.status}`}>{t(`order.statuses.${o.status}`)}</span>
          {o.rail && <span className="hint"> · {t(`order.rails.${o.rail}`)}</span>}
        </p>
        <p>
          {o.lineItems.map((item) => item.name ?? item.sku).join(", ")} —{" "}
          <strong>{format.moneyMinor(o.amountMinor, o.currency)}</strong>
          {o.paidAt && <span className="hint"> · {t("order.paidAt", { when: format.dateTime(o.paidAt) })}</span>}
        </p>
        <Attribution referral={o.referral} />
        {pending && returning && (
          <Notice>
            <p>{t("order.waiting")}</p>
          </Notice>
        )}
        {pending && (
          <div className="field-row">
            <button type="button" onClick={() => pay.mutate()} disabled={pay.isPending}>
              {pay.isPending ? t("buy.paying") : t("order.payCredit")}
            </button>
            {!card && (
              <button type="button" className="secondary" onClick={onCard}>
                {t("buy.card")}
              </button>
            )}
          </div>
        )}
        {pay.isError && <ErrorNotice error={pay.error} />}
        {pending && card && <WayForPayCheckout orderReference={orderReference} />}
        {o.status === "paid" && (
          <p>
            <Link to={`/verify?order=${encodeURIComponent(orderReference)}`}>{t("order.verify")}</Link>{" "}
            <span className="hint">{t("order.verifyHint")}</span>
          </p>
        )}
      </>
    );
  }

  return (
    <section className="card order-panel" aria-labelledby="store-order" data-testid="order-panel">
      <h2 id="store-order">
        {t("order.title")} <span className="mono">{orderReference}</span>
      </h2>
      {body}
      <button type="button" className="link" onClick={onClose}>
        {t("order.close")}
      </button>
    </section>
  );
}
