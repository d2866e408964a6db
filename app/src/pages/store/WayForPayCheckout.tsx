// WayForPay's checkout for a pending order: the signed Purchase form the server builds, posted
// from the browser to WayForPay's payment page. Locally (the server's test merchant, which
// WayForPay does not know) the server can instead post WayForPay's callback to itself.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { useRuntimeConfig } from "../../config/use-runtime.ts";
import { orderKey, simulateWayForPay, wayforpayForm } from "./store-api.ts";

export function WayForPayCheckout({ orderReference }: { orderReference: string }) {
  const { t, i18n } = useTranslation("store");
  const { simulatePayments } = useRuntimeConfig();
  const queryClient = useQueryClient();
  const form = useQuery({
    queryKey: ["wayforpay-form", orderReference, i18n.language],
    queryFn: () => wayforpayForm(orderReference, i18n.language),
    staleTime: Infinity,
    retry: false,
  });
  const simulate = useMutation({
    mutationFn: () => simulateWayForPay(orderReference),
    onSuccess: ({ order }) => queryClient.setQueryData(orderKey(orderReference), order),
  });

  return (
    <section className="checkout" aria-labelledby={`checkout-${orderReference}`}>
      <h3 id={`checkout-${orderReference}`}>{t("checkout.title")}</h3>
      {form.isPending && <Loading label={t("checkout.loading")} />}
      {form.isError && <ErrorNotice error={form.error} retry={() => void form.refetch()} />}
      {form.data && (
        <form method="post" action={form.data.url} acceptCharset="utf-8">
          {form.data.formEntries.map(([name, value], i) => (
            <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
          ))}
          <button type="submit">{t("checkout.continue")}</button>
          <p className="hint">{t("checkout.redirect")}</p>
        </form>
      )}
      {simulatePayments && (
        <div className="simulate">
          <p className="hint">{t("checkout.simulateHint")}</p>
          <button type="button" className="secondary" onClick={() => simulate.mutate()} disabled={simulate.isPending}>
            {simulate.isPending ? t("checkout.simulating") : t("checkout.simulate")}
          </button>
          {simulate.isError && <ErrorNotice error={simulate.error} />}
        </div>
      )}
    </section>
  );
}
