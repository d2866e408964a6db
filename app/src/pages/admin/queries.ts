// The admin endpoints as TanStack Query hooks. Every key starts with "admin", so signing out
// (which drops every query but the session) forgets them.
import {
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "../../api/client.ts";
import type {
  CreatedEventEndpoint,
  Decision,
  DeliveryFilter,
  DeskRate,
  EventDelivery,
  EventDeliveryDetail,
  EventEndpoint,
  HostEventType,
  PriceSource,
  ReconcileReport,
  Reward,
  RewardFilter,
  RewardState,
} from "./types.ts";

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

// Host events: endpoints, the delivery log (paged back by id with `before`), details and re-send.

export const DELIVERY_PAGE_SIZE = 25;

export function useEventEndpoints() {
  return useQuery({
    queryKey: ["admin", "event-endpoints"],
    queryFn: () => api<{ endpoints: EventEndpoint[] }>("/api/admin/event-endpoints").then((body) => body.endpoints),
  });
}

export function useCreateEventEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { url: string; description?: string; eventTypes: HostEventType[] }) =>
      api<CreatedEventEndpoint>("/api/admin/event-endpoints", { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["admin", "event-endpoints"] }),
  });
}

export function useUpdateEventEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; active: boolean }) =>
      api<EventEndpoint>(`/api/admin/event-endpoints/${encodeURIComponent(id)}`, { method: "PATCH", body }),
    onSuccess: (endpoint) =>
      queryClient.setQueryData<EventEndpoint[]>(["admin", "event-endpoints"], (list) =>
        list?.map((row) => (row.id === endpoint.id ? endpoint : row)),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["admin", "event-endpoints"] }),
  });
}

function deliveriesPath(filter: DeliveryFilter, before: number | undefined) {
  const params = new URLSearchParams();
  if (filter.state) params.set("state", filter.state);
  if (filter.endpointId) params.set("endpointId", filter.endpointId);
  if (before) params.set("before", String(before));
  params.set("limit", String(DELIVERY_PAGE_SIZE));
  return `/api/admin/event-deliveries?${params}`;
}

/** The delivery log, newest first; each further page is older than the last row so far. Polled
 *  while the page is visible, so the dispatcher's attempts show up. */
export function useEventDeliveries(filter: DeliveryFilter) {
  return useInfiniteQuery({
    queryKey: ["admin", "event-deliveries", "list", filter],
    queryFn: ({ pageParam }) =>
      api<{ deliveries: EventDelivery[] }>(deliveriesPath(filter, pageParam)).then((body) => body.deliveries),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.length < DELIVERY_PAGE_SIZE ? undefined : last[last.length - 1]?.id),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

const deliveryKey = (id: number) => ["admin", "event-deliveries", "detail", id] as const;

export function useEventDelivery(id: number, enabled: boolean) {
  return useQuery({
    queryKey: deliveryKey(id),
    queryFn: () => api<EventDeliveryDetail>(`/api/admin/event-deliveries/${id}`),
    enabled,
  });
}

export function useResendDelivery(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<EventDeliveryDetail>(`/api/admin/event-deliveries/${id}/resend`, { method: "POST" }),
    onSuccess: (detail) => {
      queryClient.setQueryData(deliveryKey(id), detail);
      return queryClient.invalidateQueries({ queryKey: ["admin", "event-deliveries", "list"] });
    },
  });
}
