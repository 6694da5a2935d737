/** At most `size` tasks at once: `acquire` waits, in order, until one of them calls `release`. */
export function createSlots(size: number) {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
    acquire: (): Promise<void> => (free > 0 ? ((free -= 1), Promise.resolve()) : new Promise((resolve) => waiting.push(resolve))),
    release: (): void => {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
  };
}

export type Slots = ReturnType<typeof createSlots>;
