// "Your referral codes": the create form and the list, active codes first.
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { CodeRow } from "./CodeRow.tsx";
import { CreateCodeForm } from "./CreateCodeForm.tsx";
import { useCodes } from "./queries.ts";

export function CodesSection({ userId, wallet, wallets }: { userId: string; wallet: string; wallets: string[] }) {
  const { t } = useTranslation("dashboard");
  const codes = useCodes(userId);
  const sorted = codes.data ? [...codes.data].sort((a, b) => Number(b.active) - Number(a.active)) : [];
  const active = sorted.filter((code) => code.active).length;

  return (
    <section className="dashboard-section" aria-labelledby="codes-heading">
      <h2 id="codes-heading">{t("codes.heading")}</h2>
      <CreateCodeForm userId={userId} wallet={wallet} wallets={wallets} />
      {codes.isPending ? (
        <Loading label={t("codes.loading")} />
      ) : codes.isError ? (
        <ErrorNotice error={codes.error} retry={() => void codes.refetch()} />
      ) : sorted.length === 0 ? (
        <p className="hint" data-testid="codes">
          {t("codes.empty")}
        </p>
      ) : (
        <>
          <p className="hint">{t("codes.summary", { active, total: sorted.length })}</p>
          <ul className="code-list" data-testid="codes" aria-labelledby="codes-heading">
            {sorted.map((code) => (
              <CodeRow key={code.code} userId={userId} code={code} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
