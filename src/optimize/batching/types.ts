import type { Layout, Pick } from '../geometry/layout.ts';
import type { Router } from '../routing/types.ts';

/** A customer order: every entry of `picks` is one item to pick, so an order's size is `picks.length`. */
export interface Order {
  readonly id: string;
  readonly picks: readonly Pick[];
}

export interface BatchingInput {
  /** Orders in arrival sequence (FCFS uses this order). Ids must be unique. */
  readonly orders: readonly Order[];
  /**
   * Cart capacity in items: a batch may hold orders whose picks counts sum to at most this.
   * Items, not orders, because carts fill by totes/slots per line (Henn et al. 2010 use the same unit).
   */
  readonly capacity: number;
  readonly layout: Layout;
  /** Prices a batch: the route length over the union of its orders' picks. */
  readonly router: Router;
  /** Seed of the PRNG used by the metaheuristic; same seed and iteration limit → same batches. Default 1. */
  readonly seed?: number;
  /**
   * Wall-clock cap in ms (default 1000) for the metaheuristic's improvement phase, which starts after its construction
   * (Clarke–Wright and seed, always completed). Stopping on time makes results machine-dependent, never worse than
   * Clarke–Wright.
   */
  readonly timeBudgetMs?: number;
  /** Iteration cap for the metaheuristic (default unlimited); set it for reproducible runs. */
  readonly maxIterations?: number;
}

export interface BatchingResult {
  /** Each batch lists order ids; every order appears in exactly one batch. */
  readonly batches: string[][];
  /** Sum of the router's lengths over all batches. */
  readonly length: number;
}

export type BatchingMethod = 'ils' | 'fcfs' | 'seed' | 'savings';
