// The dashboard's server state: codes, rewards, adjustments and analytics, keyed by the user so
// a different sign-in never sees the previous user's cache.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, graphql } from "../../api/client.ts";
import type { Adjustments, Analytics, Refcode, Reward, RewardState } from "./types.ts";

const REWARDS_PAGE = 100;

const keys = {
  codes: (userId: string) => ["dashboard", userId, "codes"] as const,
  rewards: (userId: string, state: RewardState | undefined) =>
    ["dashboard", userId, "rewards", state ?? "all"] as const,
  adjustments: (userId: string) => ["dashboard", userId, "adjustments"] as const,
  analytics: (userId: string, days: number) => ["dashboard", userId, "analytics", days] as const,
};

export function useCodes(userId: string) {
  return useQuery({
    queryKey: keys.codes(userId),
    queryFn: ({ signal }) => api<{ codes: Refcode[] }>("/api/refcodes", { signal }).then((body) => body.codes),
  });
}

export function useCreateCode(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { vanity?: string; wallet?: string }) => api<Refcode>("/api/refcodes", { body: input }),
    onSuccess: (created) => {
      queryClient.setQueryData<Refcode[]>(keys.codes(userId), (codes) => [created, ...(codes ?? [])]);
      void queryClient.invalidateQueries({ queryKey: ["dashboard", userId, "analytics"] });
    },
  });
}

export function useSetCodeActive(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, active }: { code: string; active: boolean }) =>
      api<Refcode>(`/api/refcodes/${encodeURIComponent(code)}/${active ? "reactivate" : "deactivate"}`, {
        method: "POST",
      }),
    onSuccess: (updated) => {
      queryClient.setQueryData<Refcode[]>(keys.codes(userId), (codes) =>
        codes?.map((code) => (code.code === updated.code ? updated : code)),
      );
    },
  });
}

/** Rewards newest first, a page at a time, optionally of one state (filtered by the server). */
export function useRewards(userId: string, state: RewardState | undefined) {
  return useInfiniteQuery({
    queryKey: keys.rewards(userId, state),
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) => {
      const query = new URLSearchParams({ limit: String(REWARDS_PAGE), offset: String(pageParam) });
      if (state) query.set("state", state);
      return api<{ rewards: Reward[] }>(`/api/rewards?${query}`, { signal }).then((body) => body.rewards);
    },
    getNextPageParam: (last, pages) => (last.length < REWARDS_PAGE ? undefined : pages.length * REWARDS_PAGE),
    placeholderData: keepPreviousData,
  });
}

export function useAdjustments(userId: string) {
  return useQuery({
    queryKey: keys.adjustments(userId),
    queryFn: ({ signal }) => api<Adjustments>("/api/rewards/adjustments?limit=500", { signal }),
  });
}

const ANALYTICS = /* GraphQL */ `
  query Dashboard($range: DateRange!, $referrer: String) {
    funnel(range: $range, referrer: $referrer) {
      from
      to
      total {
        visits
        uniqueVisitors
        signups
        orders
        attributedOrders
        rewards {
          state
          count
          tokenAmount
        }
        paidOnChain {
          count
          tokenAmount
        }
      }
      byCode(limit: 50) {
        code
        active
        counts {
          visits
          uniqueVisitors
          signups
          orders
          attributedOrders
        }
      }
    }
    daily(range: $range, referrer: $referrer) {
      day
      visits
      signups
      orders
      attributedOrders
      rewards
      rewardTokenAmount
      paidOnChain {
        count
        tokenAmount
      }
    }
  }
`;

/** The last `days` UTC days, today included (the analytics count in UTC days). */
function utcRange(days: number, now = new Date()): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

/** The funnel and the daily series of the user's own codes (an admin's too: `referrer` scopes it). */
export function useAnalytics(userId: string, wallet: string, days: number) {
  return useQuery({
    queryKey: keys.analytics(userId, days),
    queryFn: () => graphql<Analytics>(ANALYTICS, { range: utcRange(days), referrer: wallet }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
