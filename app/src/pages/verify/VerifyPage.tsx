// The auditor's page (/verify?order=REF, public): the browser reads the contract itself through
// the runtime RPC (never through the server) and shows the server's answer separately, then
// compares the two.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { deployment } from "../../config/deployment.ts";
import { useRuntimeConfig } from "../../config/use-runtime.ts";
import { readOrderOnChain } from "./chain.ts";
import { ChainResult } from "./ChainResult.tsx";
import { OrderForm } from "./OrderForm.tsx";
import { ServerAnswer } from "./ServerAnswer.tsx";
import "./verify.css";

export function VerifyPage() {
  const { t } = useTranslation("verify");
  const { rpcUrl } = useRuntimeConfig();
  const [search, setSearch] = useSearchParams();
  const orderReference = search.get("order")?.trim() || undefined;

  const queryClient = useQueryClient();
  const chain = useQuery({
    queryKey: ["verify-chain", rpcUrl, orderReference],
    queryFn: () => readOrderOnChain(rpcUrl, orderReference!),
    enabled: orderReference !== undefined,
    retry: false,
    staleTime: 0,
  });

  // Both readings again: the chain's and the server's.
  const refresh = () => {
    void chain.refetch();
    void queryClient.invalidateQueries({ queryKey: ["verify-server", orderReference] });
  };
  const submit = (reference: string) => {
    if (reference === orderReference) refresh();
    else setSearch({ order: reference });
  };

  return (
    <section className="page verify" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("title")}</h1>
      <p>{t("intro")}</p>
      <p className="hint">{t("reads", { rpc: rpcUrl, contract: deployment.proxy, chainId: deployment.chainId })}</p>
      <OrderForm key={orderReference ?? ""} initial={orderReference ?? ""} onSubmit={submit} />

      {orderReference && (
        <div className="verify-results">
          {chain.isPending ? (
            <Loading label={t("chain.loading", { rpc: rpcUrl })} />
          ) : chain.isError ? (
            <ErrorNotice error={chain.error} retry={() => void chain.refetch()} />
          ) : (
            <>
              <ChainResult reading={chain.data} />
              <p>
                <button type="button" className="secondary" onClick={refresh} disabled={chain.isFetching}>
                  {chain.isFetching ? t("chain.reading") : t("chain.again")}
                </button>
              </p>
            </>
          )}
          <ServerAnswer orderReference={orderReference} chain={chain.data} />
        </div>
      )}
    </section>
  );
}
