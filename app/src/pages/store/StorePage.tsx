// The demo store (/store): a few products and a membership, bought by a signed-in buyer with
// internal credit or by card through WayForPay. The order being bought lives in the URL
// (?order=REF, plus pay=card while WayForPay's checkout is open; WayForPay sends the buyer back
// with checkout=wayforpay), so a reload or the return from the payment page shows it again.
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useSession } from "../../auth/session.ts";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { catalog } from "./catalog.ts";
import { CreditBalance } from "./CreditBalance.tsx";
import { OrderPanel } from "./OrderPanel.tsx";
import { ProductCard } from "./ProductCard.tsx";
import "./store.css";

export function StorePage() {
  const { t } = useTranslation("store");
  const session = useSession();
  const [search, setSearch] = useSearchParams();
  const orderReference = search.get("order") ?? undefined;
  const signedIn = Boolean(session.data);

  const showOrder = (reference: string, card: boolean) =>
    setSearch(card ? { order: reference, pay: "card" } : { order: reference });

  return (
    <section className="page store" aria-labelledby="store-title">
      <h1 id="store-title">{t("title")}</h1>
      <p>{t("intro")}</p>

      {session.isPending ? (
        <Loading />
      ) : session.isError ? (
        <ErrorNotice error={session.error} retry={() => void session.refetch()} />
      ) : signedIn ? (
        <CreditBalance />
      ) : (
        <Notice kind="info">
          <p data-testid="store-sign-in">{t("signIn")}</p>
        </Notice>
      )}

      {signedIn && orderReference && (
        <OrderPanel
          key={orderReference}
          orderReference={orderReference}
          card={search.get("pay") === "card"}
          returning={search.get("checkout") === "wayforpay"}
          onCard={() => showOrder(orderReference, true)}
          onClose={() => setSearch({})}
        />
      )}

      <h2>{t("products.title")}</h2>
      <div className="cards">
        {catalog.map((product) => (
          <ProductCard
            key={product.sku}
            product={product}
            signedIn={signedIn}
            onOrder={(order, card) => showOrder(order.orderReference, card)}
          />
        ))}
      </div>
    </section>
  );
}
