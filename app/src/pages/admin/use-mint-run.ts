// "Mint now": POST /api/admin/mint runs the minter and answers with the run's summary once its
// transactions are mined. While the request is open the rewards' states are polled, so the page
// shows the batch moving (approved → minting → minted). Rewards a run leaves in flight (a
// transaction not mined yet) are watched until a later run settles them; pressing "Mint now"
// again carries them into the new run's counts.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api/client.ts";
import { approvedRewardsQuery, fetchRewards, LIST_MAX } from "./queries.ts";
import type { MintRun, Reward } from "./types.ts";

export type MintPhase = "idle" | "running" | "settling" | "done" | "error";

export interface MintState {
  phase: MintPhase;
  /** Approved rewards when the run started: what the run is expected to pay. */
  expected: number;
  /** Of those, how many left `approved` and `minting` so far (while running). */
  settled: number;
  inFlight: number;
  summary: MintRun | null;
  /** Rewards in flight after the run (its own, and those an earlier run left), and how they ended. */
  late: number;
  lateWaiting: number;
  lateMinted: number;
  lateFailed: number;
  error: unknown;
}

const initial: MintState = {
  phase: "idle",
  expected: 0,
  settled: 0,
  inFlight: 0,
  summary: null,
  late: 0,
  lateWaiting: 0,
  lateMinted: 0,
  lateFailed: 0,
  error: null,
};

/** Each reward by id: what is left in flight is at most a batch or two. */
const fetchEach = (ids: string[]) =>
  Promise.all(ids.map((id) => api<Reward>(`/api/admin/rewards/${encodeURIComponent(id)}`)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const POLL_MS = 1_000;
const SETTLE_POLL_MS = 3_000;

export function useMintRun() {
  const queryClient = useQueryClient();
  const [state, setState] = useState<MintState>(initial);
  const runId = useRef(0);
  const alive = useRef(true);
  /** Ids still in flight from the last run, handed to the next one. */
  const inFlight = useRef<string[]>([]);
  useEffect(() => {
    alive.current = true;
    // Unmounting stops the watch loops.
    return () => {
      alive.current = false;
    };
  }, []);

  const start = useCallback(async () => {
    const id = ++runId.current;
    const current = () => alive.current && runId.current === id;
    const update = (patch: Partial<MintState>) => current() && setState((previous) => ({ ...previous, ...patch }));
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: ["admin", "rewards"] });
      // A reconciliation taken before these payments is out of date.
      void queryClient.invalidateQueries({ queryKey: ["admin", "reconcile"] });
    };
    const carried = inFlight.current;
    inFlight.current = [];
    setState({ ...initial, phase: "running" });

    const targets = new Set((await queryClient.fetchQuery(approvedRewardsQuery).catch(() => [])).map((r) => r.id));
    update({ expected: targets.size });

    let open = true;
    const watch = async () => {
      while (open && current()) {
        await sleep(POLL_MS);
        if (!open || !current()) return;
        try {
          const [minting, approved] = await Promise.all([
            fetchRewards({ state: "minting", limit: LIST_MAX }),
            fetchRewards({ state: "approved", limit: LIST_MAX }),
          ]);
          const waiting = new Set([...minting, ...approved].map((r) => r.id));
          if (open) update({ inFlight: minting.length, settled: [...targets].filter((t) => !waiting.has(t)).length });
        } catch {
          // A missed poll is not an error of the run; the next one catches up.
        }
      }
    };
    void watch();

    let summary: MintRun;
    try {
      summary = await api<MintRun>("/api/admin/mint", { method: "POST" });
    } catch (error) {
      open = false;
      inFlight.current = carried;
      update({ phase: "error", error });
      refresh();
      return;
    }
    open = false;
    refresh();

    // In flight now: the run's own rewards whose transaction is not mined yet, and those an
    // earlier run left (unless this run paid them again, then they are in its summary).
    const hashes = new Set(summary.batches.map((batch) => batch.txHash.toLowerCase()));
    const ofThisRun = (reward: Reward) => reward.txHash !== null && hashes.has(reward.txHash.toLowerCase());
    const waiting = new Set<string>();
    const ended = new Map<string, Reward["state"]>();
    try {
      const minting = summary.ran ? await fetchRewards({ state: "minting", limit: LIST_MAX }) : [];
      for (const reward of minting) if (targets.has(reward.id) || ofThisRun(reward)) waiting.add(reward.id);
      for (const reward of await fetchEach(carried)) {
        if (ofThisRun(reward)) continue;
        if (reward.state === "minting") waiting.add(reward.id);
        else ended.set(reward.id, reward.state);
      }
    } catch {
      // Without the lists the summary is all there is to show.
    }
    const tracked = [...waiting, ...ended.keys()];
    const count = (state: Reward["state"]) => tracked.filter((t) => ended.get(t) === state).length;
    const settle = () => ({ lateWaiting: waiting.size, lateMinted: count("minted"), lateFailed: count("failed") });
    inFlight.current = [...waiting];
    update({ summary, inFlight: 0, late: tracked.length, ...settle(), phase: waiting.size ? "settling" : "done" });

    while (current() && waiting.size > 0) {
      await sleep(SETTLE_POLL_MS);
      if (!current()) return;
      try {
        for (const reward of await fetchEach([...waiting])) {
          if (reward.state === "minting") continue;
          waiting.delete(reward.id);
          ended.set(reward.id, reward.state);
        }
        inFlight.current = [...waiting];
        update(settle());
      } catch {
        // Keep waiting.
      }
    }
    if (!current()) return;
    update({ phase: "done" });
    refresh();
  }, [queryClient]);

  return { state, start: () => void start(), busy: state.phase === "running" };
}
