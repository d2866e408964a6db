// Boot: the server's runtime config (RPC URL, integrations), i18n, wagmi, then the router.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { I18nextProvider } from "react-i18next";
import { RouterProvider } from "react-router";
import { WagmiProvider } from "wagmi";
import { loadRuntimeConfig } from "./config/runtime.ts";
import { RuntimeConfigContext } from "./config/use-runtime.ts";
import { initI18n } from "./i18n/index.ts";
import { router } from "./routes.tsx";
import "./styles.css";
import { createWagmiConfig } from "./wallet/wagmi.ts";

const root = createRoot(document.getElementById("root")!);

async function boot() {
  const [runtime, i18n] = await Promise.all([loadRuntimeConfig(), initI18n()]);
  const wagmiConfig = await createWagmiConfig(runtime);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
  });
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <RuntimeConfigContext.Provider value={runtime}>
          <WagmiProvider config={wagmiConfig}>
            <QueryClientProvider client={queryClient}>
              <RouterProvider router={router} />
            </QueryClientProvider>
          </WagmiProvider>
        </RuntimeConfigContext.Provider>
      </I18nextProvider>
    </StrictMode>,
  );
}

boot().catch((error: Error) => {
  root.render(
    <main className="page" role="alert">
      <h1>Refcodes could not start</h1>
      <p>{error.message}</p>
      <button type="button" onClick={() => window.location.reload()}>
        Reload
      </button>
    </main>,
  );
});
