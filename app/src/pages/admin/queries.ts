// The admin endpoints as TanStack Query hooks. Every key starts with "admin", so signing out
// (which drops every query but the session) forgets them.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client.ts";
import type { Decision, DeskRate, PriceSource, ReconcileReport, Reward, RewardFilter, RewardState } from "./types.ts";

export const PAGE_SIZE = 50;
/** The most one list request returns (the server's ListLimit). */
export const LIST_MAX = 500;

function rewardsPath(query: {
  state?: RewardState | "";
  sizing?: string;
  referrer?: string;
  limit: number;
  offset?: number;
}) {
  const params = new URLSearchParams();
  if (query.state) params.set("state", query.state);
  if (query.sizing) params.set("sizing", query.sizing);
  if (query.referrer) params.set("referrer", query.referrer);
  params.set("limit", String(query.limit));
  if (query.offset) params.set("offset", String(query.offset));
  return `/api/admin/rewards?${params}`;
}

export const fetchRewards = (query: Parameters<typeof rewardsPath>[0]) =>
  api<{ rewards: Reward[] }>(rewardsPath(query)).then((body) => body.rewards);

export function useAdminRewards(filter: RewardFilter, offset: number) {
  return useQuery({
    queryKey: ["admin", "rewards", filter, offset],
    queryFn: () => fetchRewards({ ...filter, limit: PAGE_SIZE, offset }),
    placeholderData: keepPreviousData,
  });
}

/** Approved rewards waiting for the minter (at most LIST_MAX): the mint panel's count, and what
 *  a mint run expects to pay. */
export const approvedRewardsQuery = queryOptions({
  queryKey: ["admin", "rewards", "approved-all"],
  queryFn: () => fetchRewards({ state: "approved", sizing: "sized", limit: LIST_MAX }),
});

export const useApprovedRewards = () => useQuery(approvedRewardsQuery);

export function useDecideRewards() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { decision: "approve" | "reject"; ids: string[]; reason?: string }) =>
      api<Decision>(`/api/admin/rewards/${input.decision}`, {
        body: input.decision === "reject" ? { ids: input.ids, reason: input.reason } : { ids: input.ids },
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["admin", "rewards"] }),
  });
}

export function usePriceSources() {
  return useQuery({
    queryKey: ["admin", "price-sources"],
    queryFn: () => api<{ priceSources: PriceSource[] }>("/api/admin/price-sources").then((body) => body.priceSources),
  });
}

export function useDeskRates() {
  return useQuery({
    queryKey: ["admin", "desk-rates"],
    queryFn: () => api<{ deskRates: DeskRate[] }>("/api/admin/desk-rates").then((body) => body.deskRates),
  });
}

export interface PriceSourceInput {
  currency: string;
  kind: "aggregator" | "desk";
  feed?: string;
  maxAgeSeconds?: number;
}

export function useSavePriceSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ currency, ...body }: PriceSourceInput) =>
      api<unknown>(`/api/admin/price-sources/${encodeURIComponent(currency)}`, { method: "PUT", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["admin", "price-sources"] }),
  });
}

export function useSaveDeskRate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ currency, ...body }: { currency: string; answer: string; decimals: number }) =>
      api<unknown>(`/api/admin/desk-rates/${encodeURIComponent(currency)}`, { method: "PUT", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["admin", "desk-rates"] }),
  });
}

/** A fresh reconciliation run (the server shares one run between concurrent requests). */
export function useReconcile(limit = 100) {
  return useQuery({
    queryKey: ["admin", "reconcile", limit],
    queryFn: () => api<ReconcileReport>(`/api/admin/reconcile?limit=${limit}`),
    staleTime: 5 * 60_000,
    retry: false,
  });
}
