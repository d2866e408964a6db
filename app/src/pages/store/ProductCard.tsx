// One product: its price and the two ways to buy it. Buying creates an order first (the order
// panel then shows it); "Buy with credit" pays it from the buyer's credit at once, "Pay with card"
// opens WayForPay's checkout for it. Server errors (insufficient credit, ...) are shown as sent.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorNotice } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import type { Product } from "./catalog.ts";
import { STORE_CURRENCY } from "./catalog.ts";
import { createOrder, creditKey, type Order, orderKey, payWithCredit } from "./store-api.ts";

interface Props {
  product: Product;
  signedIn: boolean;
  /** Show this order in the order panel; `card`: with WayForPay's checkout open. */
  onOrder: (order: Order, card: boolean) => void;
}

export function ProductCard({ product, signedIn, onOrder }: Props) {
  const { t } = useTranslation("store");
  const format = useFormat();
  const queryClient = useQueryClient();
  const buy = useMutation({
    mutationFn: async (how: "credit" | "card") => {
      const order = await createOrder(product);
      queryClient.setQueryData(orderKey(order.orderReference), order);
      onOrder(order, how === "card");
      if (how === "card") return order;
      try {
        return await payWithCredit(order.orderReference);
      } finally {
        void queryClient.invalidateQueries({ queryKey: creditKey });
      }
    },
    onSuccess: (order) => queryClient.setQueryData(orderKey(order.orderReference), order),
  });
  const titleId = `product-${product.sku}`;
  const busy = buy.isPending || !signedIn;

  return (
    <article className="card product" aria-labelledby={titleId} data-testid={`product-${product.sku}`}>
      <h3 id={titleId}>{t(`products.${product.sku}.name`)}</h3>
      <p>{t(`products.${product.sku}.description`)}</p>
      <p className="stat">{format.moneyMinor(product.priceMinor, STORE_CURRENCY)}</p>
      <div className="field-row">
        <button type="button" onClick={() => buy.mutate("credit")} disabled={busy}>
          {t("buy.credit")}
        </button>
        <button type="button" className="secondary" onClick={() => buy.mutate("card")} disabled={busy}>
          {t("buy.card")}
        </button>
      </div>
      {buy.isPending && (
        <p className="status" role="status">
          {buy.variables === "credit" ? t("buy.paying") : t("buy.creating")}
        </p>
      )}
      {buy.isError && <ErrorNotice error={buy.error} />}
    </article>
  );
}
