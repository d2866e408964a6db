// The admin console (/admin). Only admin wallets see it; the server refuses every admin route
// to anyone else anyway (401 signed out, 403 not an admin).
import { useTranslation } from "react-i18next";
import { useSession } from "../../auth/session.ts";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import "./admin.css";
import { ApprovalQueue } from "./ApprovalQueue.tsx";
import { ContractControls } from "./ContractControls.tsx";
import { HostEvents } from "./HostEvents.tsx";
import { MintPanel } from "./MintPanel.tsx";
import { PriceSettings } from "./PriceSettings.tsx";
import { ReconciliationReport } from "./ReconciliationReport.tsx";

export function AdminPage() {
  const { t } = useTranslation("admin");
  const session = useSession();

  let body;
  if (session.isPending) body = <Loading label={t("gate.checking")} />;
  else if (session.isError) body = <ErrorNotice error={session.error} retry={() => void session.refetch()} />;
  else if (!session.data) {
    body = (
      <div data-testid="admin-only">
        <Notice kind="warning">
          <strong>{t("gate.adminsOnly")}</strong> {t("gate.signIn")}
        </Notice>
      </div>
    );
  } else if (!session.data.isAdmin) {
    body = (
      <div data-testid="admin-only">
        <Notice kind="warning">
          <strong>{t("gate.adminsOnly")}</strong> {t("gate.notAdmin", { wallet: session.data.wallet })}
        </Notice>
      </div>
    );
  } else body = <AdminConsole />;

  return (
    <section className="page admin-page">
      <h1>{t("title")}</h1>
      {body}
    </section>
  );
}

const sections = [
  ["admin-queue", "queue.title"],
  ["admin-mint", "mint.title"],
  ["admin-contract", "contract.title"],
  ["admin-prices", "prices.title"],
  ["admin-reconcile", "reconcile.title"],
  ["admin-events", "events.title"],
] as const;

function AdminConsole() {
  const { t } = useTranslation("admin");
  return (
    <div className="admin-console">
      <nav className="admin-toc" aria-label={t("toc")}>
        <ul>
          {sections.map(([id, key]) => (
            <li key={id}>
              <a href={`#${id}`}>{t(key)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <ApprovalQueue />
      <MintPanel />
      <ContractControls />
      <PriceSettings />
      <ReconciliationReport />
      <HostEvents />
    </div>
  );
}
