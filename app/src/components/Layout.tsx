import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { useSession } from "../auth/session.ts";
import { LanguageSwitcher } from "./LanguageSwitcher.tsx";
import { Loading } from "./status.tsx";
import { WalletPanel } from "./WalletPanel.tsx";

export function Layout() {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="site-header">
        <NavLink to="/" className="brand">
          Refcodes
        </NavLink>
        <nav aria-label={t("nav.label")}>
          <NavLink to="/store">{t("nav.store")}</NavLink>
          {session.data && <NavLink to="/dashboard">{t("nav.dashboard")}</NavLink>}
          {session.data?.isAdmin && <NavLink to="/admin">{t("nav.admin")}</NavLink>}
          <NavLink to="/verify">{t("nav.verify")}</NavLink>
        </nav>
        <div className="header-tools">
          <LanguageSwitcher />
          <WalletPanel />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">{t("footer")}</footer>
    </>
  );
}
