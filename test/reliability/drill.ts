// A drill's frame: its world, its load, its timing, and its final checks, printed under its name.
import { after, before } from "node:test";
import { finalChecks } from "./checks.ts";
import { startWorld, type World } from "./world.ts";

/** Starts a world for the file's drill (before), and stops it (after), whatever happened. */
export function drillWorld(): { get(): World } {
  let world: World | undefined;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.stop();
  });
  return {
    get() {
      if (!world) throw new Error("the drill's world did not start");
      return world;
    },
  };
}

/** Runs `body` (which returns how many orders it had paid), then the final checks; prints how
 *  long it all took. */
export async function runDrill(name: string, world: World, body: () => Promise<number>): Promise<void> {
  const started = performance.now();
  console.log(`drill: ${name}`);
  try {
    const orders = await body();
    await finalChecks(world, orders);
  } catch (error) {
    console.error(`drill "${name}" failed; the servers' last lines:\n${world.replicaOutputs()}`);
    throw error;
  } finally {
    console.log(`  drill "${name}" took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded random number generator (mulberry32): a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from DRILL_SEED, else a new one; printed so a failure can be replayed. */
export function drillSeed(): number {
  const seed = process.env.DRILL_SEED ? Number(process.env.DRILL_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`  seed ${seed} (replay with DRILL_SEED=${seed})`);
  return seed;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
