// The pages. Each is its own chunk (and its own locale bundle), so the landing page loads only
// what it shows; the dashboard, admin console, verify page and store arrive when visited.
import { createBrowserRouter } from "react-router";
import { Layout } from "./components/Layout.tsx";
import { RouteError } from "./components/RouteError.tsx";

export const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      {
        index: true,
        lazy: () => import("./pages/landing/LandingPage.tsx").then((m) => ({ Component: m.LandingPage })),
      },
      {
        path: "r/:code",
        lazy: () => import("./pages/landing/LandingPage.tsx").then((m) => ({ Component: m.LandingPage })),
      },
      {
        path: "dashboard",
        lazy: () => import("./pages/dashboard/DashboardPage.tsx").then((m) => ({ Component: m.DashboardPage })),
      },
      { path: "admin", lazy: () => import("./pages/admin/AdminPage.tsx").then((m) => ({ Component: m.AdminPage })) },
      {
        path: "verify",
        lazy: () => import("./pages/verify/VerifyPage.tsx").then((m) => ({ Component: m.VerifyPage })),
      },
      { path: "store", lazy: () => import("./pages/store/StorePage.tsx").then((m) => ({ Component: m.StorePage })) },
      { path: "*", lazy: () => import("./components/NotFound.tsx").then((m) => ({ Component: m.NotFound })) },
    ],
  },
]);
