// The buyer's internal credit (GET /api/credit): the store currency's balance first.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import { STORE_CURRENCY } from "./catalog.ts";
import { creditKey, fetchCredit } from "./store-api.ts";

export function CreditBalance() {
  const { t } = useTranslation("store");
  const format = useFormat();
  const credit = useQuery({ queryKey: creditKey, queryFn: ({ signal }) => fetchCredit(signal) });

  if (credit.isPending) return <Loading label={t("credit.loading")} />;
  if (credit.isError) return <ErrorNotice error={credit.error} retry={() => void credit.refetch()} />;
  const main = credit.data.balances.find((b) => b.currency === STORE_CURRENCY)?.balanceMinor ?? 0;
  const others = credit.data.balances.filter((b) => b.currency !== STORE_CURRENCY && b.balanceMinor !== 0);
  return (
    <section className="card store-credit" aria-labelledby="store-credit">
      <h2 id="store-credit">{t("credit.title")}</h2>
      <p className="stat" data-testid="credit-balance" data-balance-minor={main}>
        {format.moneyMinor(main, STORE_CURRENCY)}
      </p>
      {others.length > 0 && (
        <p className="hint">
          {t("credit.others")} {others.map((b) => format.moneyMinor(b.balanceMinor, b.currency)).join(", ")}
        </p>
      )}
      {main === 0 && <p className="hint">{t("credit.empty")}</p>}
    </section>
  );
}
