/** The task an idempotency key was first used for, and a fingerprint of what was uploaded with it. */
export interface IdempotencyClaim {
  taskId: string;
  fingerprint: string;
  /** True once the task's job is known to be in the queue; until then a retry finishes the upload. */
  queued?: boolean;
}

/** The uploads' idempotency keys (each already scoped to its API key), kept for as long as results are. */
export interface IdempotencyKeys {
  /**
   * Claims a key for a new task, atomically: answers undefined when the claim is new, or the earlier claim when the
   * key was used before.
   */
  claim(key: string, claim: IdempotencyClaim): Promise<IdempotencyClaim | undefined>;
  /** Frees a claimed key whose task never reached the queue, so a retry can go through. */
  release(key: string): Promise<void>;
  /** Marks a claimed key's task as queued, so retries are answered with it from now on; a released key stays released. */
  confirm(key: string): Promise<void>;
}
